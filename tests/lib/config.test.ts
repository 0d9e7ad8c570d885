import { ConfigError, loadConfig } from '../../src/config';

describe('settings', () => {
  it('defaults to demo mode on embedded data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, publicUrl: 'http://localhost:3000', databaseUrl: undefined, demoMode: true, mailFrom: 'Colecta <no-reply@localhost>' });
    expect(config.dataDir).toMatch(/data$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads a full production environment', () => {
    const config = loadConfig({
      NODE_ENV: 'production', PORT: '8080', PUBLIC_URL: 'https://give.example.org/', DATABASE_URL: 'postgres://u:p@db/colecta',
      STRIPE_SECRET_KEY: 'sk_live_abc123', STRIPE_WEBHOOK_SECRET: 'whsec_abc', SESSION_SECRET: 'x'.repeat(32),
      SMTP_URL: 'smtp://u:p@mail:587', STRIPE_API_BASE: 'http://127.0.0.1:12111',
    });
    expect(config).toMatchObject({ port: 8080, publicUrl: 'https://give.example.org', demoMode: false, stripe: { apiBase: 'http://127.0.0.1:12111' } });
  });

  it('reads the webhook processing slots, 16 and 8 by default', () => {
    expect(loadConfig({}).webhookSlots).toEqual({ total: 16, inline: 8 });
    expect(loadConfig({ WEBHOOK_SLOTS: '4', WEBHOOK_INLINE_SLOTS: '0' }).webhookSlots).toEqual({ total: 4, inline: 0 });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PUBLIC_URL: 'give.example.org' }, 'PUBLIC_URL'],
    [{ DATABASE_URL: 'mysql://root@localhost/colecta', SESSION_SECRET: 'x'.repeat(32) }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://localhost/colecta' }, 'SESSION_SECRET'],
    [{ STRIPE_SECRET_KEY: 'pk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_abc' }, 'STRIPE_SECRET_KEY'],
    [{ STRIPE_SECRET_KEY: 'sk_test_abc' }, 'STRIPE_WEBHOOK_SECRET'],
    [{ STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'secret' }, 'STRIPE_WEBHOOK_SECRET'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL'],
    [{ NODE_ENV: 'production' }, 'STRIPE_SECRET_KEY'],
    [{ STRIPE_API_BASE: 'not a url' }, 'STRIPE_API_BASE'],
    [{ WEBHOOK_SLOTS: '0' }, 'WEBHOOK_SLOTS'],
    [{ WEBHOOK_SLOTS: 'many' }, 'WEBHOOK_SLOTS'],
    [{ WEBHOOK_SLOTS: '4', WEBHOOK_INLINE_SLOTS: '5' }, 'WEBHOOK_INLINE_SLOTS'],
  ])('stops on %j naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`- ${name} `));
  });
});

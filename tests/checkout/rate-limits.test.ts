import { buildCheckoutBody } from '../factories/checkout-body';
import { StripeWorld } from '../helpers/stripe-world';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { formFields, postForm } from '../donate/form-post';

let app: TestApp;
let stripe: StripeWorld;
beforeAll(async () => {
  app = await startTestApp({ env: { CHECKOUT_LIMIT_PER_IP: '3', CHECKOUT_LIMIT_PER_EMAIL: '2', CHECKOUT_LIMIT_WINDOW_SECONDS: '600' } });
  stripe = new StripeWorld();
});
afterAll(async () => {
  stripe.close();
  await app.close();
});

const withEmail = (email: string) => {
  const body = buildCheckoutBody();
  return { ...body, supporter: { ...(body.supporter as object), email } };
};

describe('checkout rate limits', () => {
  it('limits checkouts per email, then per IP, across the JSON API and the form, with when to try again', async () => {
    // A refused form does not count against anyone.
    expect((await postForm(app.baseUrl, '/donate/organizer-training', formFields({ email: 'a@example.org', lastName: '' }))).status).toBe(422);

    expect((await app.postJson('/api/checkout-sessions', withEmail('a@example.org'))).status).toBe(201);
    expect((await postForm(app.baseUrl, '/donate/organizer-training', formFields({ email: 'A@example.org' }))).status).toBe(303);
    const byEmail = await app.postJson('/api/checkout-sessions', withEmail('a@example.org'));
    expect(byEmail.status).toBe(429);
    expect(byEmail.body.error.code).toBe('rate_limited');
    expect(byEmail.body.error.message).toMatch(/try again after \d{4}-\d\d-\d\dT/);

    expect((await app.postJson('/api/checkout-sessions', withEmail('b@example.org'))).status).toBe(201);
    const byIp = await postForm(app.baseUrl, '/donate/organizer-training?lang=es', formFields({ email: 'c@example.org' }));
    expect(byIp.status).toBe(429);
    expect(Number(byIp.headers.get('retry-after'))).toBeGreaterThan(500);
    expect(byIp.text).toMatch(/role="alert"[^>]*><p>Demasiados intentos\. Inténtelo de nuevo después de las [^<]+\.<\/p>/);
    expect(byIp.text).toContain('value="c@example.org"');
    expect(stripe.calls('POST', '/v1/checkout/sessions')).toHaveLength(3);
  });
});

describe('rate limit settings', () => {
  it('default to 30 per IP and 5 per email in 10 minutes, and a malformed one stops the start naming it', async () => {
    const { loadConfig, ConfigError } = await import('../../src/config');
    expect(loadConfig({}).checkoutLimits).toEqual({ perIp: 30, perEmail: 5, windowSeconds: 600 });
    expect(() => loadConfig({ CHECKOUT_LIMIT_PER_EMAIL: 'many' })).toThrow(ConfigError);
    expect(() => loadConfig({ CHECKOUT_LIMIT_PER_EMAIL: 'many' })).toThrow(/CHECKOUT_LIMIT_PER_EMAIL/);
  });
});

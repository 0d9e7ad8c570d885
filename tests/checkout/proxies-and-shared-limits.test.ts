import http from 'node:http';
import os from 'node:os';
import nock from 'nock';
import type { AddressInfo } from 'node:net';
import { buildCheckoutBody } from '../factories/checkout-body';
import { StripeWorld } from '../helpers/stripe-world';
import { startTestApp, WEBHOOK_SECRET, type TestApp } from '../helpers/test-app';
import { createApp } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import { buildContainer } from '../../src/container';
import { createLogger } from '../../src/lib/logger';
import { createStripeGateway } from '../../src/stripe/stripe-gateway';

const LIMIT = { CHECKOUT_LIMIT_PER_IP: '2', CHECKOUT_LIMIT_PER_EMAIL: '0', CHECKOUT_LIMIT_WINDOW_SECONDS: '600' };
let stripe: StripeWorld;
beforeEach(() => {
  stripe = new StripeWorld();
});
afterEach(() => stripe.close());

let n = 0;
async function checkout(baseUrl: string, forwardedFor?: string): Promise<number> {
  n += 1;
  const body = buildCheckoutBody();
  const res = await fetch(`${baseUrl}/api/checkout-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ ...body, supporter: { ...(body.supporter as object), email: `p${n}@example.org` } }),
  });
  await res.text();
  return res.status;
}

/** This machine's first address that is not loopback: a client there is not a trusted proxy by default. */
const outsideAddress = Object.values(os.networkInterfaces()).flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

/** Another instance of the app on the test app's database, listening on `host`. */
async function instance(app: TestApp, host: string, extra: { sharedRateLimits?: boolean; env?: Record<string, string> } = {}) {
  const config = loadConfig({
    NODE_ENV: 'test', DATA_DIR: app.dataDir, STRIPE_SECRET_KEY: 'sk_test_colecta', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    LOG_LEVEL: 'silent', ...LIMIT, ...extra.env,
  });
  const container = buildContainer(config, {
    db: app.db, logger: createLogger('silent'), sharedRateLimits: extra.sharedRateLimits ?? false,
    gateway: createStripeGateway({ secretKey: 'sk_test_colecta', webhookSecret: WEBHOOK_SECRET, maxNetworkRetries: 0 }),
  });
  const server = http.createServer(createApp(container)).listen(0, host);
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('TRUST_PROXY', () => {
  let behindProxy: TestApp;
  beforeAll(async () => {
    behindProxy = await startTestApp({ env: { ...LIMIT, TRUST_PROXY: '1' } });
  });
  afterAll(async () => {
    await behindProxy.close();
  });

  it('with TRUST_PROXY=1, gives two clients behind the proxy separate limits', async () => {
    expect(await checkout(behindProxy.baseUrl, '203.0.113.1')).toBe(201);
    expect(await checkout(behindProxy.baseUrl, '203.0.113.1')).toBe(201);
    expect(await checkout(behindProxy.baseUrl, '203.0.113.1')).toBe(429);
    expect(await checkout(behindProxy.baseUrl, '198.51.100.7, 203.0.113.2')).toBe(201);
  });

  (outsideAddress ? it : it.skip)('without it, a forged X-Forwarded-For from a client that is not a proxy does not escape the limit', async () => {
    const direct = await instance(behindProxy, outsideAddress as string);
    // This machine's own address, not the internet.
    nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith(outsideAddress as string));
    try {
      expect(await checkout(direct.url, '203.0.113.50')).toBe(201);
      expect(await checkout(direct.url, '203.0.113.51')).toBe(201);
      expect(await checkout(direct.url, '203.0.113.52')).toBe(429);
      expect(await checkout(direct.url)).toBe(429);
    } finally {
      nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host));
      await direct.close();
    }
  });

  it('with TRUST_PROXY=0, believes no X-Forwarded-For at all, even from loopback', async () => {
    const none = await instance(behindProxy, '127.0.0.1', { env: { TRUST_PROXY: '0' } });
    try {
      expect(await checkout(none.url, '203.0.113.60')).toBe(201);
      expect(await checkout(none.url, '203.0.113.61')).toBe(201);
      expect(await checkout(none.url, '203.0.113.62')).toBe(429);
    } finally {
      await none.close();
    }
  });

  it.each(['banana', '10.0.0.0/99', 'loopback,,10.0.0.1', '-1'])('stops the start on TRUST_PROXY=%s, naming it', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/- TRUST_PROXY /);
  });

  it('takes hop counts, addresses, CIDRs and Express names, loopback by default', () => {
    expect(loadConfig({}).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, uniquelocal, 172.17.0.1' }).trustProxy).toEqual(['10.0.0.0/8', 'uniquelocal', '172.17.0.1']);
    expect(loadConfig({}).runWorker).toBe(true);
    expect(loadConfig({ RUN_WORKER: 'false' }).runWorker).toBe(false);
    expect(() => loadConfig({ RUN_WORKER: 'no' })).toThrow(/- RUN_WORKER /);
  });
});

// Two instances on one PostgreSQL database: each has its own memory, so only a shared store
// can make them count together. (PGlite is one process's database: nothing to share.)
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;
onPostgres('rate limits shared through PostgreSQL', () => {
  let app: TestApp;
  const instances: Array<{ url: string; close: () => Promise<void> }> = [];
  beforeAll(async () => {
    app = await startTestApp({ env: LIMIT });
    for (let i = 0; i < 2; i += 1) instances.push(await instance(app, '127.0.0.1', { sharedRateLimits: true }));
  });
  afterAll(async () => {
    for (const i of instances) await i.close();
    await app.close();
  });

  it('counts a client\'s checkouts across both instances, and a refused form gives its point back', async () => {
    const [a, b] = instances.map((i) => i.url) as [string, string];
    const refused = await fetch(`${a}/api/checkout-sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(422);
    expect(await checkout(a)).toBe(201);
    expect(await checkout(b)).toBe(201);
    expect(await checkout(a)).toBe(429);
    expect(await checkout(b)).toBe(429);
    const counted = await app.db('rate_limits').where('key', 'like', 'checkout_ip:%').select('points');
    expect(counted.map((r) => r.points)).toEqual([4]);
  });
});

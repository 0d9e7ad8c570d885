import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import Stripe from 'stripe';
import { freePort, spawnTsx, tail, waitForOk, type TsxChild } from '../../bench/support/child-processes';
import { ensureDemo } from '../../src/campaigns/demo-seed';
import { buildCheckoutBody } from '../factories/checkout-body';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { eventEnvelope, WEBHOOK_SECRET } from '../helpers/test-app';
import { startStripeOverHttp, type StripeOverHttp } from './stripe-over-http';

// Real processes on one real PostgreSQL database: PGlite is one process's database, so this
// suite has no embedded pass.
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

const LIMIT_PER_IP = 4;
const GIFTS = 24;
const signer = new Stripe('sk_test_signer_only');

interface Variant {
  readonly name: string;
  /** true: both web instances run the email worker; false: RUN_WORKER=false plus one `src/worker.ts`. */
  readonly webRunsWorker: boolean;
}

const variants: Variant[] = [
  { name: 'web instances with RUN_WORKER=false and one worker process', webRunsWorker: false },
  { name: 'both web instances running the email worker', webRunsWorker: true },
];

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

async function poll<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

onPostgres.each(variants)('two app processes on one PostgreSQL database, $name', (variant: Variant) => {
  let admin: Knex;
  let db: Knex;
  let databaseName: string;
  let dataDir: string;
  let smtp: SmtpSink;
  let stripe: StripeOverHttp;
  const children: TsxChild[] = [];
  const urls: string[] = [];

  function logsOf(): string {
    return children.map((c) => `--- ${c.name} (${c.isRunning() ? 'running' : 'exited'})\n${tail(c.stderr, 15)}\n${tail(c.stdout, 15)}`).join('\n');
  }

  beforeAll(async () => {
    const serverUrl = new URL(process.env.TEST_DATABASE_URL as string);
    if (!/test/i.test(serverUrl.pathname)) throw new Error('TEST_DATABASE_URL must name a test database');
    admin = knexFactory({ client: 'pg', connection: serverUrl.toString(), pool: { min: 0, max: 1 } });
    // An empty database, not the migrated template: the instances' concurrent migration is under test.
    databaseName = `colecta_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin.raw(`create database ${databaseName}`);
    const databaseUrl = new URL(serverUrl.toString());
    databaseUrl.pathname = `/${databaseName}`;

    smtp = await startSmtpSink();
    stripe = await startStripeOverHttp();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-two-'));
    const ports = [await freePort(), await freePort()];
    const env = (port: number, runWorker: boolean): NodeJS.ProcessEnv => ({
      NODE_ENV: 'test', NODE_OPTIONS: '', LOG_LEVEL: 'warn', DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl.toString(), SESSION_SECRET: randomBytes(24).toString('hex'),
      SMTP_URL: smtp.url, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`,
      STRIPE_SECRET_KEY: 'sk_test_colecta', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: stripe.url,
      CHECKOUT_LIMIT_PER_IP: String(LIMIT_PER_IP), CHECKOUT_LIMIT_PER_EMAIL: '0', CHECKOUT_LIMIT_WINDOW_SECONDS: '600',
      RUN_WORKER: String(runWorker),
    });
    // All at the same moment, on a database with no tables yet.
    ports.forEach((port, i) => children.push(spawnTsx(`web-${i + 1}`, 'src/server.ts', env(port, variant.webRunsWorker))));
    if (!variant.webRunsWorker) children.push(spawnTsx('worker', 'src/worker.ts', env(0, true)));
    for (const port of ports) urls.push(`http://127.0.0.1:${port}`);
    await Promise.all(urls.map((url, i) => waitForOk(`${url}/healthz`, children[i] as TsxChild, 90_000)));

    db = knexFactory({ client: 'pg', connection: databaseUrl.toString(), pool: { min: 0, max: 4 } });
    await ensureDemo(db);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await db?.destroy();
    await admin?.raw(`drop database if exists ${databaseName} with (force)`);
    await admin?.destroy();
    await stripe?.close();
    await smtp?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  async function checkout(url: string, clientIp: string, amount = 2000) {
    const res = await fetch(`${url}/api/checkout-sessions`, {
      method: 'POST',
      // The instances trust loopback as their proxy (the default), so this names the client.
      headers: { 'content-type': 'application/json', 'x-forwarded-for': clientIp },
      body: JSON.stringify(buildCheckoutBody({ amount })),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) as { id?: string } : {} };
  }

  it('migrated once though every process started at the same moment, and all are still running', async () => {
    const applied = await db('knex_migrations').select('name');
    const files = fs.readdirSync(path.resolve(__dirname, '../../migrations')).filter((f) => /^\d{14}_\w+\.ts$/.test(f));
    expect(applied.map((r) => r.name as string).sort()).toEqual(files.sort());
    expect(children.filter((c) => !c.isRunning()).map((c) => c.name)).toEqual([]);
  });

  it('counts the checkout limit across both instances: the next request is refused by either', async () => {
    const client = '203.0.113.9';
    const opened = await Promise.all(Array.from({ length: LIMIT_PER_IP }, (_, i) => checkout(urls[i % 2] as string, client)));
    expect(opened.map((r) => r.status)).toEqual(Array(LIMIT_PER_IP).fill(201));
    expect((await checkout(urls[0] as string, client)).status).toBe(429);
    expect((await checkout(urls[1] as string, client)).status).toBe(429);
    // Another client is still served: the refusals are this client's limit, not a broken instance.
    expect((await checkout(urls[1] as string, '203.0.113.10')).status).toBe(201);
  });

  it('adds up to the cent after a storm of duplicated, shuffled webhooks split between the instances, and sends each receipt once', async () => {
    // GIFTS checkouts, each from its own client so the per-IP limit stays out of the way.
    const gifts = await Promise.all(Array.from({ length: GIFTS }, async (_, i) => {
      const amount = 100 + Math.floor(Math.random() * 99_900);
      const res = await checkout(urls[i % 2] as string, `198.51.100.${i + 1}`, amount);
      expect(res.status).toBe(201);
      const sessionId = res.body.id as string;
      const donation = await db('donations').where({ stripe_checkout_session_id: sessionId }).first('id', 'supporter_id');
      const supporter = await db('supporters').where({ id: donation.supporter_id }).first('email');
      return { amount, sessionId, donationId: donation.id as string, email: supporter.email as string };
    }));

    // Half the gifts settle before checkout.session.completed, half only with charge.updated.
    const deliveries: Array<{ payload: string }> = [];
    const fees = new Map<string, number>();
    gifts.forEach((gift, i) => {
      const { session, charge, bt } = stripe.world.payOneTime(gift.sessionId, { settled: i % 2 === 0 });
      fees.set(gift.donationId, bt.fee as number);
      const events = [
        eventEnvelope('checkout.session.completed', structuredClone(session), `evt_${randomBytes(8).toString('hex')}`, new Date()),
        eventEnvelope('charge.updated', { ...structuredClone(charge), balance_transaction: bt.id }, `evt_${randomBytes(8).toString('hex')}`, new Date()),
      ];
      // Stripe delivers every event at least once: here each exactly twice.
      for (const event of events) for (let copy = 0; copy < 2; copy += 1) deliveries.push({ payload: JSON.stringify(event) });
    });
    shuffle(deliveries);

    const statuses: number[] = [];
    const finals: number[] = [];
    let next = 0;
    const deliverer = async (lane: number) => {
      while (next < deliveries.length) {
        const index = next++;
        const { payload } = deliveries[index] as { payload: string };
        const url = urls[(index + lane) % 2] as string;
        // As Stripe does, a delivery that is not answered 2xx is sent again a little later.
        for (let attempt = 0; ; attempt += 1) {
          const res = await fetch(`${url}/webhooks/stripe`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'stripe-signature': signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) },
            body: payload,
            signal: AbortSignal.timeout(20_000),
          });
          await res.text();
          statuses.push(res.status);
          if (res.status === 200 || attempt === 4) {
            finals.push(res.status);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, (_, lane) => deliverer(lane)));
    expect(finals).toEqual(Array(deliveries.length).fill(200));
    // Not even a retry was needed: the handlers of one gift take their locks in one order (a
    // charge.updated racing its checkout.session.completed once deadlocked, answered 500).
    expect(statuses).toEqual(Array(deliveries.length).fill(200));

    const donationIds = gifts.map((g) => g.donationId);
    const entries = await poll('one payment entry per gift',
      () => db('ledger_entries').whereIn('donation_id', donationIds).where({ kind: 'payment' })
        .select('donation_id', 'gross', 'fee', 'net', 'currency', 'receipt_number'),
      (rows) => rows.length >= GIFTS, 30_000).catch((error: Error) => { throw new Error(`${error.message}\n${logsOf()}`); });
    // Every entry the storm made is a payment of one of these gifts: one each, nothing else.
    expect(await db('ledger_entries').count({ n: '*' }).first()).toEqual({ n: String(GIFTS) });
    expect(entries).toHaveLength(GIFTS);
    expect(new Set(entries.map((e) => e.donation_id)).size).toBe(GIFTS);
    // bigint columns arrive as strings from a plain knex.
    const byDonation = new Map(entries.map((e) => [e.donation_id as string,
      { gross: Number(e.gross), fee: Number(e.fee), net: Number(e.net), currency: e.currency as string }]));
    for (const gift of gifts) {
      const entry = byDonation.get(gift.donationId);
      expect(entry).toMatchObject({ gross: gift.amount, fee: fees.get(gift.donationId), net: gift.amount - (fees.get(gift.donationId) as number), currency: 'usd' });
    }
    const sum = gifts.reduce((total, g) => total + g.amount, 0);
    expect(entries.reduce((total, e) => total + Number(e.gross), 0)).toBe(sum);
    const totals = await db('ledger_entries').sum({ gross: 'gross' }).first();
    expect(Number(totals?.gross)).toBe(sum);
    // Each event recorded once by its id and processed, wherever its copies landed.
    expect(await db('stripe_events').whereNull('processed_at').count({ n: '*' }).first()).toEqual({ n: '0' });
    expect(await db('stripe_events').count({ n: '*' }).first()).toEqual({ n: String(GIFTS * 2) });

    // Each receipt reaches the SMTP server exactly once, whichever process sent it.
    const receiptNumbers = new Map(entries.map((e) => [e.donation_id as string, e.receipt_number as string]));
    const receiptsOf = (gift: (typeof gifts)[number]) =>
      smtp.to(gift.email).filter((m) => `${m.subject ?? ''}\n${m.text ?? ''}`.includes(receiptNumbers.get(gift.donationId) as string));
    await poll('a receipt for every gift', async () => gifts.filter((g) => receiptsOf(g).length === 0).length, (missing) => missing === 0, 60_000)
      .catch((error: Error) => { throw new Error(`${error.message}\n${logsOf()}`); });
    await poll('every queued email sent', async () => (await db('emails').whereNot({ status: 'sent' }).count({ n: '*' }).first())?.n,
      (n) => n === '0', 30_000);
    // A few of the workers' polls more, for a second copy that would come late.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    for (const gift of gifts) expect({ email: gift.email, receipts: receiptsOf(gift).length }).toEqual({ email: gift.email, receipts: 1 });
    const sent = await db('emails').where({ status: 'sent' }).count({ n: '*' }).first();
    expect(smtp.messages).toHaveLength(Number(sent?.n));
  }, 180_000);
});

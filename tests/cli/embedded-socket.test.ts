import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import { buildCheckoutBody } from '../factories/checkout-body';
import { freePort } from '../../bench/support/child-processes';
import { describeCli, runCli } from '../helpers/cli-suite';
import { eventEnvelope } from '../helpers/test-app';
import { createDb, type Db } from '../../src/db/knex';
import { LOCK_FILE } from '../../src/db/embedded-owner';

const root = path.resolve(__dirname, '../..');
const signer = new Stripe('sk_test_signer_only');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);


/**
 * The server on the embedded default, as `npm start` runs it (scripts/run.mjs, the compiled
 * server in dist/, which the global setup has built). Ready once the lock names its socket and
 * /healthz answers.
 */
async function startServer(env: NodeJS.ProcessEnv, base: string): Promise<{ child: ChildProcess; exited: Promise<unknown>; output: () => string }> {
  // One process (run.mjs imports the compiled server), so kill -9 leaves no child alive.
  const child = spawn(process.execPath, ['scripts/run.mjs', 'server'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => { output += chunk; });
  child.stderr?.on('data', (chunk) => { output += chunk; });
  const exited = new Promise((resolve) => child.once('close', resolve));
  for (let waited = 0; ; waited += 250) {
    if (child.exitCode !== null) throw new Error(`the server exited:\n${output}`);
    const lock = fs.existsSync(path.join(String(env.DATA_DIR), LOCK_FILE)) ? fs.readFileSync(path.join(String(env.DATA_DIR), LOCK_FILE), 'utf8') : '';
    if (lock.split('\n')[1] && await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    if (waited > 120_000) throw new Error(`not ready after 120 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { child, exited, output: () => output };
}

/** What the demo's Stripe records when a one-time checkout is paid (src/stripe/demo/demo-payment.ts). */
type DemoObject = Record<string, unknown> & { id: string; object: string };

function paidObjects(session: DemoObject, n: number, at: Date) {
  const amount = Number(session.amount_total);
  const currency = String(session.currency);
  const customer = `cus_demo_storm${n}`;
  const metadata = session.metadata as Record<string, string>;
  const fee = Math.round(amount * 0.029) + 30;
  const bt = { id: `txn_demo_storm${n}`, object: 'balance_transaction', amount, fee, net: amount - fee, currency, source: `ch_demo_storm${n}`, created: seconds(at) };
  const charge = {
    id: `ch_demo_storm${n}`, object: 'charge', status: 'succeeded', amount, currency, customer, payment_intent: `pi_demo_storm${n}`, created: seconds(at),
    balance_transaction: bt.id, payment_method_details: { type: 'card', card: { last4: '4242', brand: 'visa' } }, metadata, livemode: false,
  };
  const intent = { id: `pi_demo_storm${n}`, object: 'payment_intent', amount, currency, customer, latest_charge: charge.id, metadata, status: 'succeeded' };
  const done: DemoObject = { ...session, status: 'complete', payment_status: 'paid', payment_intent: intent.id, customer };
  return { objects: [bt, charge, intent, done], done, charge };
}

/** Every ledger entry the admin API lists, page by page. */
async function ledger(base: string, token: string): Promise<Array<{ kind: string; donationId: string; stripeChargeId: string | null; gross: number }>> {
  const entries = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${base}/api/admin/donations?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = await res.json() as { data: Array<{ kind: string; donationId: string; stripeChargeId: string | null; gross: number }>; nextCursor: string | null };
    entries.push(...body.data);
    cursor = body.nextCursor;
  } while (cursor);
  return entries;
}

describeCli('the CLI and psql while the server runs on the embedded database', () => {
  it('makes a token through the server\'s socket that works at once; a webhook storm cut by kill -9 loses and doubles nothing', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-sock-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env, DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: base, NODE_OPTIONS: '', DATABASE_URL: '', STRIPE_SECRET_KEY: '',
      LOG_LEVEL: 'warn', CHECKOUT_LIMIT_PER_IP: '0',
    };
    let server = await startServer(env, base);
    let socketDb: Db | null = null;
    try {
      // (1) The CLI goes through the socket: the token it prints works against the running server.
      const { stdout } = await runCli(['tokens:create', '--role', 'admin'], { env });
      const token = stdout.trim().split('\n').at(-1) ?? '';
      expect(token).toMatch(/^clt_/);
      const me = await fetch(`${base}/api/admin/campaigns`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      await expect(runCli(['restore', path.join(dataDir, 'none.sql')], { env }))
        .rejects.toMatchObject({ stderr: expect.stringMatching(/in use by the Colecta server .*Stop the server/) });

      // Gifts to pay: checkouts made through the API, then paid in the demo's Stripe (written
      // through the socket, as a second client beside the server).
      const gifts = 24;
      const sessionIds: string[] = [];
      for (let i = 0; i < gifts; i += 1) {
        const res = await fetch(`${base}/api/checkout-sessions`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(buildCheckoutBody({ amount: 1000 + i })),
        });
        expect(res.status).toBe(201);
        sessionIds.push(((await res.json()) as { id: string }).id);
      }
      const address = fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8').split('\n')[1] ?? '';
      socketDb = createDb({ embeddedSocket: address });
      const at = new Date();
      const paid = [];
      for (const [n, id] of sessionIds.entries()) {
        const row = await socketDb('demo_stripe_objects').where({ id }).first('data');
        const session = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as DemoObject;
        const p = paidObjects(session, n, at);
        await socketDb('demo_stripe_objects').insert(p.objects.map((o) => ({ id: o.id, object: o.object, data: JSON.stringify(o) })))
          .onConflict('id').merge(['data']);
        paid.push(p);
      }
      await socketDb.destroy();
      socketDb = null;
      // The demo's Stripe keeps what it has read in memory: a restart makes it read ours.
      server.child.kill('SIGTERM');
      await server.exited;
      server = await startServer(env, base);
      for (const id of sessionIds) expect((await fetch(`${base}/demo/checkout/${id}`)).status).toBe(200);

      // The storm: each gift's events, signed with the demo's own secret, twice, all at once.
      const secret = fs.readFileSync(path.join(dataDir, 'demo-webhook-secret'), 'utf8').trim();
      const acknowledged = new Set<string>();
      const send = async (type: string, object: unknown, id: string, sessionId: string) => {
        const payload = JSON.stringify(eventEnvelope(type, object, id, at));
        const signature = signer.webhooks.generateTestHeaderString({ payload, secret });
        try {
          const res = await fetch(`${base}/webhooks/stripe`, {
            method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload,
          });
          if (res.status === 200 && type === 'checkout.session.completed') acknowledged.add(sessionId);
        } catch {
          // Cut off by the kill.
        }
      };
      const storm = paid.flatMap((p, n) => [0, 1].flatMap((copy) => [
        async () => { await new Promise((r) => setTimeout(r, n * 40 + copy * 15)); await send('checkout.session.completed', p.done, `evt_storm_cs${n}`, String(p.done.id)); },
        async () => { await new Promise((r) => setTimeout(r, n * 40 + copy * 25)); await send('charge.updated', p.charge, `evt_storm_ch${n}`, String(p.done.id)); },
      ]));
      const all = Promise.all(storm.map((f) => f()));
      // Mid-storm: once some gifts are acknowledged and others are still coming.
      for (let waited = 0; acknowledged.size < gifts / 3 && waited < 60_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
      const before = new Set(acknowledged);
      server.child.kill('SIGKILL');
      await server.exited;
      await all;
      expect(before.size).toBeGreaterThan(0);
      expect(before.size).toBeLessThan(gifts);

      // Restart: the dead server's lock and socket do not block it.
      server = await startServer(env, base);
      const entries = await ledger(base, token);
      const payments = entries.filter((e) => e.kind === 'payment');
      const chargeIds = payments.map((e) => e.stripeChargeId);
      expect(new Set(chargeIds).size).toBe(chargeIds.length);
      const donationIds = new Set(payments.map((e) => e.donationId));
      expect(donationIds.size).toBe(payments.length);
      const sessionOf = new Map(paid.map((p) => [String(p.done.id), (p.done.metadata as Record<string, string>).donation_id]));
      for (const sessionId of before) expect(donationIds).toContain(sessionOf.get(sessionId));

      // The storm again after the restart (the demo's Stripe read once more): everything arrives, once.
      for (const id of sessionIds) expect((await fetch(`${base}/demo/checkout/${id}`)).status).toBe(200);
      await Promise.all(storm.map((f) => f()));
      const after = (await ledger(base, token)).filter((e) => e.kind === 'payment');
      expect(after).toHaveLength(gifts);
      expect(new Set(after.map((e) => e.stripeChargeId)).size).toBe(gifts);
      expect(after.reduce((sum, e) => sum + e.gross, 0)).toBe(Array.from({ length: gifts }, (_, i) => 1000 + i).reduce((a, b) => a + b, 0));
    } finally {
      await socketDb?.destroy();
      server.child.kill('SIGKILL');
      await server.exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 420_000);
});

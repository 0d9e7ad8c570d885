import { ledgerFor } from '../helpers/ledger-queries';
import { paidOneTimeSession } from '../helpers/paid-session';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import type { TestApp } from '../helpers/test-app';

const t = useAppWithStripe();

const paidSession = (amount?: number) => paidOneTimeSession(t, amount);

const eventRow = (id: string) => t.app.db('stripe_events').where({ id }).first();

describe('webhook signatures', () => {
  const object = { id: 'cs_test_unsigned', object: 'checkout.session' };
  const now = Math.floor(Date.now() / 1000);
  const cases: Array<[string, Parameters<TestApp['sendEvent']>[2]]> = [
    ['a missing signature', { signature: null }],
    ['a signature made with another secret', { secret: 'whsec_someone_else' }],
    ['a stale signature (ten minutes old)', { timestamp: now - 600 }],
    ['a garbled signature header', { signature: 't=123,v1=deadbeef' }],
  ];

  it.each(cases)('answers 400 and stores nothing for %s', async (_name, options) => {
    const res = await t.app.sendEvent('checkout.session.completed', object, options);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_signature');
    expect(await eventRow(res.eventId)).toBeUndefined();
  });

  it('answers 400 when the body was changed after signing', async () => {
    const payload = JSON.stringify({ id: 'evt_test_tampered', type: 'charge.updated', data: { object } });
    const { default: Stripe } = await import('stripe');
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: 'whsec_test_colecta_webhooks' });
    const res = await fetch(`${t.app.baseUrl}/webhooks/stripe`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header },
      body: payload.replace('charge.updated', 'charge.refunded'),
    });
    expect(res.status).toBe(400);
    expect(await eventRow('evt_test_tampered')).toBeUndefined();
  });
});

describe('exactly-once processing', () => {
  it('counts an event delivered 5 times at once exactly once', async () => {
    const { donationId, session } = await paidSession(2100);
    const id = 'evt_test_five_at_once';
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.app.sendEvent('checkout.session.completed', session, { id })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.body.outcome === 'processed')).toHaveLength(1);
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(1);
    expect(await eventRow(id)).toMatchObject({ type: 'checkout.session.completed', last_error: null });
  });

  it('answers a replay of a processed event 200 and changes nothing', async () => {
    const { donationId, session } = await paidSession(2200);
    const id = await t.app.deliver('checkout.session.completed', session);
    const before = await ledgerFor(t.app.db, donationId);
    const calls = t.stripe.requests.length;
    const replay = await t.app.sendEvent('checkout.session.completed', session, { id });
    expect(replay).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    expect(await ledgerFor(t.app.db, donationId)).toEqual(before);
    expect(t.stripe.requests.length).toBe(calls);
  });

  it('records and ignores event types it does not handle', async () => {
    const res = await t.app.sendEvent('customer.created', { id: 'cus_test_new', object: 'customer' });
    expect(res).toMatchObject({ status: 200, body: { outcome: 'ignored' } });
    expect(await eventRow(res.eventId)).toMatchObject({ type: 'customer.created', object_id: 'cus_test_new' });
    expect((await eventRow(res.eventId)).processed_at).not.toBeNull();
  });

  it('answers 500 when processing fails, keeps the error, and succeeds on the retry', async () => {
    const { donationId, session, intent } = await paidSession(2300);
    t.stripe.failNext.set(`/v1/payment_intents/${intent.id}`, 1);

    const failed = await t.app.sendEvent('checkout.session.completed', session);
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe('webhook_failed');
    const row = await eventRow(failed.eventId);
    expect(row.processed_at).toBeNull();
    expect(row.last_error).toMatch(/Stripe is having a moment/);
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(0);

    const retried = await t.app.sendEvent('checkout.session.completed', session, { id: failed.eventId });
    expect(retried).toMatchObject({ status: 200, body: { outcome: 'processed' } });
    expect(await eventRow(failed.eventId)).toMatchObject({ attempts: 2, last_error: null });
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(1);
  });

  it('rejects an event payload that is not shaped like the object it names, without recording it as processed', async () => {
    const res = await t.app.sendEvent('invoice.paid', { id: 'in_test_bad', object: 'invoice', amount_paid: 'lots' });
    expect(res.status).toBe(500);
    expect((await eventRow(res.eventId)).last_error).toMatch(/ZodError/);
  });
});

import { fixture } from '../fixtures/stripe';
import { ledgerFor } from '../helpers/ledger-queries';
import { paidOneTimeSession } from '../helpers/paid-session';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { bearer } from '../staff/staff-helpers';
import { queueEvent } from '../../src/stripe/event-queue-repository';
import { createWebhookQueue } from '../../src/stripe/webhook-queue';

// WEBHOOK_INLINE_SLOTS=0: every delivery is stored and answered `queued`, as in a burst.
const t = useAppWithStripe({ env: { WEBHOOK_INLINE_SLOTS: '0' } });

const paidSession = (amount?: number) => paidOneTimeSession(t, amount);

const eventRow = (id: string) => t.app.db('stripe_events').where({ id }).first();
const drain = () => t.app.container.webhooks.drain();

describe('a delivery beyond the processing slots', () => {
  it('is answered 200 before it is processed, then processed once by the queue, and its payload is cleared', async () => {
    const { donationId, session } = await paidSession(2400);
    const res = await t.app.sendEvent('checkout.session.completed', session);
    // 'queued' is the answer of the path that stores the event without processing it.
    expect(res).toMatchObject({ status: 200, body: { received: true, outcome: 'queued' } });
    await drain();
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(1);
    expect(await eventRow(res.eventId)).toMatchObject({ attempts: 1, last_error: null, queued_payload: null, next_attempt_at: null });
    expect((await eventRow(res.eventId)).processed_at).not.toBeNull();
  });

  it('counts an event queued five times at once exactly once', async () => {
    const { donationId, session } = await paidSession(2500);
    const id = 'evt_test_queued_five_times';
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.app.sendEvent('checkout.session.completed', session, { id })));
    // The queue starts on the first at once, so a later copy may already find it processed.
    for (const answer of answers) expect([answer.status, ['queued', 'duplicate'].includes(answer.body.outcome)]).toEqual([200, true]);
    await drain();
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(1);
    const replay = await t.app.sendEvent('checkout.session.completed', session, { id });
    expect(replay).toMatchObject({ status: 200, body: { outcome: 'duplicate' } });
    expect(await eventRow(id)).toMatchObject({ attempts: 1, queued_payload: null });
  });

  it('keeps a failed event with its error and retries it when it is due, not before', async () => {
    const { donationId, session, intent } = await paidSession(2600);
    t.stripe.failNext.set(`/v1/payment_intents/${intent.id}`, 1);
    const res = await t.app.sendEvent('checkout.session.completed', session);
    expect(res.body.outcome).toBe('queued');
    await drain();
    const failed = await eventRow(res.eventId);
    expect(failed).toMatchObject({ processed_at: null, attempts: 1 });
    expect(failed.last_error).toMatch(/Stripe is having a moment/);
    expect(failed.queued_payload).not.toBeNull();
    const waitSeconds = (new Date(failed.next_attempt_at).getTime() - Date.now()) / 1000;
    expect(waitSeconds).toBeGreaterThan(20);
    expect(waitSeconds).toBeLessThan(40);

    await drain();
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(0);
    // Admins see it waiting, and failing, in the queue's figures.
    const admin = await bearer(t.app.db, 'admin');
    const queue = async () => (await fetch(`${t.app.baseUrl}/api/admin/stripe-events/queue`, { headers: admin })).json();
    expect(await queue()).toEqual({ waiting: 1, failing: 1, oldestReceivedAt: new Date(failed.received_at).toISOString() });

    await t.app.db('stripe_events').where({ id: res.eventId }).update({ next_attempt_at: t.app.db.raw("now() - interval '1 second'") });
    await drain();
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(1);
    expect(await queue()).toEqual({ waiting: 0, failing: 0, oldestReceivedAt: null });
    expect(await eventRow(res.eventId)).toMatchObject({ attempts: 2, last_error: null, queued_payload: null });
  });

  it('gives up on an event still failing three days after it came: its error stays, its payload goes', async () => {
    const { donationId, session, intent } = await paidSession(2650);
    t.stripe.failNext.set(`/v1/payment_intents/${intent.id}`, 2);
    const res = await t.app.sendEvent('checkout.session.completed', session);
    await drain();
    await t.app.db('stripe_events').where({ id: res.eventId })
      .update({ received_at: t.app.db.raw("now() - interval '3 days 1 minute'"), next_attempt_at: t.app.db.raw("now() - interval '1 second'") });
    await drain();
    const row = await eventRow(res.eventId);
    expect(row).toMatchObject({ processed_at: null, attempts: 2, queued_payload: null, next_attempt_at: null });
    expect(row.last_error).toMatch(/Stripe is having a moment/);
    await drain();
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(0);
  });

  it('takes back an event whose instance died while holding it, once its claim has run out', async () => {
    const { donationId, session } = await paidSession(2700);
    const id = 'evt_test_claimed_by_the_dead';
    await queueEvent(t.app.db, { id, type: 'checkout.session.completed', created: new Date(), livemode: false, object: session });
    // As claimed by an instance that then died: the lease runs two more minutes and nothing processes it.
    await t.app.db('stripe_events').where({ id }).update({ next_attempt_at: t.app.db.raw("now() + interval '2 minutes'") });
    await drain();
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(0);

    await t.app.db('stripe_events').where({ id }).update({ next_attempt_at: t.app.db.raw("now() - interval '1 second'") });
    await drain();
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(1);
  });

  it('records another integration\'s queued event as ignored and clears it', async () => {
    const intent = fixture('payment_intent', { id: 'pi_gala_queued', latest_charge: 'ch_gala_queued', metadata: { event: 'gala' } });
    const charge = fixture('charge', { id: 'ch_gala_queued', payment_intent: intent.id, metadata: { event: 'gala' } });
    for (const o of [intent, charge]) t.stripe.objects.set(o.id, o);
    const res = await t.app.sendEvent('charge.updated', charge);
    expect(res.body.outcome).toBe('queued');
    await drain();
    const row = await eventRow(res.eventId);
    expect({ ...row, queued_payload: row.queued_payload === null ? null : 'kept' })
      .toMatchObject({ ignored_reason: 'not_colecta', queued_payload: null, next_attempt_at: null, last_error: null });
  });

  it('is processed once when two instances drain the same queue at once', async () => {
    const gifts = await Promise.all(Array.from({ length: 12 }, (_, n) => paidSession(3000 + n)));
    for (const gift of gifts) {
      expect((await t.app.sendEvent('checkout.session.completed', gift.session)).body.outcome).toBe('queued');
    }
    // This app's own queue starts on them as they come; two more instances join it.
    const c = t.app.container;
    const other = createWebhookQueue({ db: c.db, gateway: c.gateway, logger: c.logger }, { slots: 4, inlineSlots: 4 });
    const mine = createWebhookQueue({ db: c.db, gateway: c.gateway, logger: c.logger }, { slots: 4, inlineSlots: 4 });
    await Promise.all([other.drain(), mine.drain(), drain()]);
    for (const gift of gifts) expect(await ledgerFor(t.app.db, gift.donationId)).toHaveLength(1);
    const attempts = await t.app.db('stripe_events').where({ type: 'checkout.session.completed', attempts: 1 }).whereNotNull('processed_at');
    expect(attempts.length).toBeGreaterThanOrEqual(12);
  });
});

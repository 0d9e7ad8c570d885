import { ledgerFor } from '../helpers/ledger-queries';
import { paidOneTimeSession } from '../helpers/paid-session';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { bearer } from '../staff/staff-helpers';

// Stripe answers 429 to more than 25 reads a second of one endpoint (100 in all, in live mode).
// A burst that reaches it must slow down, not fail: the event waits a few seconds and is read again.
const t = useAppWithStripe();

const eventRow = (id: string) => t.app.db('stripe_events').where({ id }).first();
const drain = () => t.app.container.webhooks.drain();
const makeDue = (id: string) =>
  t.app.db('stripe_events').where({ id }).update({ next_attempt_at: t.app.db.raw("now() - interval '1 second'") });
const secondsUntil = (at: Date | string) => (new Date(at).getTime() - Date.now()) / 1000;

async function queueFigures(): Promise<unknown> {
  const res = await fetch(`${t.app.baseUrl}/api/admin/stripe-events/queue`, { headers: await bearer(t.app.db, 'admin') });
  return res.json();
}

describe("Stripe's rate limit while reading for an event", () => {
  it('answers a delivery 200, keeps the event a few seconds without an error, then records it once', async () => {
    const { donationId, session, intent } = await paidOneTimeSession(t, 2700);
    t.stripe.rateLimitNext.set(`/v1/payment_intents/${intent.id}`, 1);
    const res = await t.app.sendEvent('checkout.session.completed', session);
    // Stripe sees a 200: a 500 would have it send the event again in minutes, or hours.
    expect(res).toMatchObject({ status: 200, body: { received: true, outcome: 'queued' } });

    const waiting = await eventRow(res.eventId);
    expect(waiting).toMatchObject({ processed_at: null, attempts: 0, last_error: null });
    expect(waiting.queued_payload).not.toBeNull();
    expect(secondsUntil(waiting.next_attempt_at)).toBeGreaterThan(1);
    expect(secondsUntil(waiting.next_attempt_at)).toBeLessThan(6);
    // Waiting, not failing: nothing for staff to look into.
    expect(await queueFigures()).toMatchObject({ waiting: 1, failing: 0 });
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(0);

    await makeDue(res.eventId);
    await drain();
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(1);
    expect(await eventRow(res.eventId)).toMatchObject({ attempts: 1, last_error: null, queued_payload: null });
    expect(await queueFigures()).toMatchObject({ waiting: 0, failing: 0 });
  });

  it('puts a queued event back for a few seconds, with no attempt counted, until Stripe reads again', async () => {
    const { donationId, session, intent } = await paidOneTimeSession(t, 2800);
    t.stripe.rateLimitNext.set(`/v1/payment_intents/${intent.id}`, 2);
    const res = await t.app.sendEvent('checkout.session.completed', session);
    expect(res.body.outcome).toBe('queued');

    // The second 429 comes to the queue's own attempt.
    await makeDue(res.eventId);
    await drain();
    const again = await eventRow(res.eventId);
    expect(again).toMatchObject({ processed_at: null, attempts: 0, last_error: null });
    expect(secondsUntil(again.next_attempt_at)).toBeGreaterThan(1);
    expect(secondsUntil(again.next_attempt_at)).toBeLessThan(6);
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(0);

    await makeDue(res.eventId);
    await drain();
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(1);
    expect(await eventRow(res.eventId)).toMatchObject({ attempts: 1, last_error: null, queued_payload: null });
  });

  it('still answers 500 to a delivery that fails for any other reason', async () => {
    const { session, intent } = await paidOneTimeSession(t, 2900);
    t.stripe.failNext.set(`/v1/payment_intents/${intent.id}`, 1);
    const res = await t.app.sendEvent('checkout.session.completed', session);
    expect(res.status).toBe(500);
    expect((await eventRow(res.eventId)).last_error).toMatch(/Stripe is having a moment/);
  });
});

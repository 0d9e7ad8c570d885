import { buildCheckoutBody } from '../factories/checkout-body';
import { fixture } from '../fixtures/stripe';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { donationIdForSession } from '../helpers/ledger-queries';
import { bearer } from '../staff/staff-helpers';
import { ATTENTION_AFTER_ATTEMPTS } from '../../src/stripe/event-attention';

const t = useAppWithStripe();
let n = 0;

/** A gala ticket sold on the same Stripe account: no Colecta donation anywhere on it. */
function galaCharge() {
  n += 1;
  const intent = fixture('payment_intent', { id: `pi_gala_${n}`, latest_charge: `ch_gala_${n}`, metadata: { event: 'gala' } });
  const charge = fixture('charge', {
    id: `ch_gala_${n}`, payment_intent: intent.id, metadata: { event: 'gala' }, amount_refunded: 2000, refunded: true,
  });
  const refund = fixture('refund', { id: `re_gala_${n}`, charge: charge.id, payment_intent: intent.id, balance_transaction: null });
  const dispute = fixture('dispute', { id: `du_gala_${n}`, charge: charge.id, payment_intent: intent.id });
  for (const o of [intent, charge, refund]) t.stripe.objects.set(o.id, o);
  return { intent, charge, refund, dispute };
}

const eventRow = (id: string) => t.app.db('stripe_events').where({ id }).first();
const ledgerCount = async () => Number((await t.app.db('ledger_entries').count<{ n: number }>('* as n').first())?.n);

describe('a Stripe account shared with payments Colecta never made', () => {
  it('answers 200 in one round to refunds and disputes of a charge that is not ours, and records them as ignored', async () => {
    const before = await ledgerCount();
    const gala = galaCharge();
    const events: Array<[string, unknown]> = [
      ['charge.refunded', gala.charge], ['charge.refund.updated', gala.refund], ['charge.dispute.created', gala.dispute],
      ['charge.dispute.closed', { ...gala.dispute, status: 'lost' }], ['charge.updated', gala.charge],
    ];
    for (const [type, object] of events) {
      const res = await t.app.sendEvent(type, object);
      expect({ type, status: res.status, outcome: res.body?.outcome }).toEqual({ type, status: 200, outcome: 'ignored' });
      expect(await eventRow(res.eventId)).toMatchObject({ ignored_reason: 'not_colecta', attempts: 1, last_error: null });
      expect((await eventRow(res.eventId)).processed_at).not.toBeNull();
      // Stripe's second delivery of the same event is a duplicate, not a second look-up.
      expect((await t.app.sendEvent(type, object, { id: res.eventId })).body.outcome).toBe('duplicate');
    }
    expect(await ledgerCount()).toBe(before);
  });

  it('ignores a checkout session, subscription and invoice without a Colecta donation', async () => {
    const session = fixture('checkout_session', { id: 'cs_gala_1', metadata: {}, client_reference_id: null, payment_intent: 'pi_gala_x' });
    const subscription = fixture('subscription', { id: 'sub_membership_1', metadata: { plan: 'member' } });
    const invoice = fixture('invoice', {
      id: 'in_membership_1',
      parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription: 'sub_membership_1', metadata: {} } },
    });
    const oneOff = fixture('invoice', { id: 'in_consulting_1', parent: null });
    for (const [type, object] of [
      ['checkout.session.completed', session], ['customer.subscription.updated', subscription],
      ['customer.subscription.deleted', subscription], ['invoice.paid', invoice], ['invoice.payment_failed', invoice],
      ['invoice.paid', oneOff],
    ] as Array<[string, unknown]>) {
      const res = await t.app.sendEvent(type, object);
      expect({ type, status: res.status, outcome: res.body?.outcome }).toEqual({ type, status: 200, outcome: 'ignored' });
    }
  });

  it('still refuses a refund of a monthly gift whose invoice is not recorded yet: Stripe says the payment is ours', async () => {
    const res = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ amount: 1500, frequency: 'monthly' }));
    const donationId = await donationIdForSession(t.app.db, res.body.id);
    const started = t.stripe.startSubscription(res.body.id);
    // The installment's charge carries no metadata; only its invoice's subscription names the donation.
    expect(started.charge.metadata).toEqual({});
    const refunded = t.stripe.refund(started.charge.id, 1500).charge;
    const early = await t.app.sendEvent('charge.refunded', refunded);
    expect(early.status).toBe(500);
    expect(await eventRow(early.eventId)).toMatchObject({ ignored_reason: null, processed_at: null, attempts: 1 });

    await t.app.deliver('checkout.session.completed', started.session);
    await t.app.deliver('invoice.paid', started.invoice);
    await t.app.deliver('charge.refunded', t.stripe.get(started.charge.id), { id: early.eventId });
    const kinds = await t.app.db('ledger_entries').where({ donation_id: donationId }).orderBy('id').pluck('kind');
    expect(kinds).toEqual(['payment', 'refund']);
  });

  it('lists an event of ours that keeps failing for staff, with its error, once it has failed enough times', async () => {
    const res = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ amount: 2200 }));
    const paid = t.stripe.payOneTime(res.body.id, { settled: false });
    const refunded = t.stripe.refund(paid.charge.id, 2200).charge;
    const admin = await bearer(t.app.db, 'admin');
    const listed = async () => {
      const r = await fetch(`${t.app.baseUrl}/api/admin/stripe-events/attention`, { headers: admin });
      expect(r.status).toBe(200);
      return ((await r.json()) as { data: Array<{ id: string; attempts: number; lastError: string }> }).data;
    };

    const first = await t.app.sendEvent('charge.refunded', refunded);
    expect(first.status).toBe(500);
    for (let attempt = 2; attempt < ATTENTION_AFTER_ATTEMPTS; attempt += 1) {
      expect((await t.app.sendEvent('charge.refunded', refunded, { id: first.eventId })).status).toBe(500);
    }
    expect((await listed()).map((e) => e.id)).not.toContain(first.eventId);
    expect((await t.app.sendEvent('charge.refunded', refunded, { id: first.eventId })).status).toBe(500);
    const entry = (await listed()).find((e) => e.id === first.eventId);
    expect(entry).toMatchObject({ attempts: ATTENTION_AFTER_ATTEMPTS, type: 'charge.refunded', objectId: paid.charge.id });
    expect(entry?.lastError).toMatch(/no payment recorded yet/);

    const staff = await bearer(t.app.db, 'staff', 'demo-network');
    expect((await fetch(`${t.app.baseUrl}/api/admin/stripe-events/attention`, { headers: staff })).status).toBe(403);

    // Once the payment is recorded, the retry succeeds and the event leaves the list.
    await t.app.deliver('checkout.session.completed', paid.session);
    t.stripe.settle(paid.charge.id);
    await t.app.deliver('charge.refunded', t.stripe.get(paid.charge.id), { id: first.eventId });
    expect((await listed()).map((e) => e.id)).not.toContain(first.eventId);
  });
});

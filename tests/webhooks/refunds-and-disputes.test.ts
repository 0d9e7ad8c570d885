import { buildCheckoutBody } from '../factories/checkout-body';
import { donationIdForSession, ledgerFor } from '../helpers/ledger-queries';
import { useAppWithStripe } from '../helpers/app-with-stripe';

const t = useAppWithStripe();

async function recordedGift(amount: number, earmark = 'housing_meals') {
  const res = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ amount, earmark }));
  expect(res.status).toBe(201);
  const donationId = await donationIdForSession(t.app.db, res.body.id);
  const paid = t.stripe.payOneTime(res.body.id);
  await t.app.deliver('checkout.session.completed', paid.session);
  return { donationId, ...paid };
}

const sumGross = (entries: Array<{ gross: number }>) => entries.reduce((total, e) => total + e.gross, 0);

describe('refunds', () => {
  it('records a partial then a full refund as two entries, each once, netting the gift to zero', async () => {
    const { donationId, charge } = await recordedGift(5000);

    const partial = t.stripe.refund(charge.id, 1500);
    await t.app.deliver('charge.refunded', partial.charge);
    await t.app.deliver('charge.refunded', partial.charge);
    let entries = await ledgerFor(t.app.db, donationId);
    expect(entries.map((e) => [e.kind, e.gross])).toEqual([['payment', 5000], ['refund', -1500]]);
    expect(entries[1]).toMatchObject({ fee: 0, net: -1500, stripe_refund_id: partial.refund.id, stripe_charge_id: charge.id });

    const rest = t.stripe.refund(charge.id, 3500);
    await t.app.deliver('charge.refunded', rest.charge);
    await t.app.deliver('charge.refund.updated', rest.refund);
    entries = await ledgerFor(t.app.db, donationId);
    expect(entries.map((e) => [e.kind, e.gross])).toEqual([['payment', 5000], ['refund', -1500], ['refund', -3500]]);
    expect(sumGross(entries)).toBe(0);
    expect(new Set(entries.map((e) => e.receipt_number)).size).toBe(3);
  });

  it('answers 500 to a refund whose payment is not recorded yet, and records it when Stripe retries', async () => {
    const res = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ amount: 1200 }));
    const donationId = await donationIdForSession(t.app.db, res.body.id);
    const { session, charge } = t.stripe.payOneTime(res.body.id, { settled: false });
    const refunded = t.stripe.refund(charge.id, 1200).charge;

    const early = await t.app.sendEvent('charge.refunded', refunded);
    expect(early.status).toBe(500);
    await t.app.deliver('checkout.session.completed', session);
    t.stripe.settle(charge.id);
    await t.app.deliver('charge.refunded', t.stripe.get(charge.id), { id: early.eventId });
    const entries = await ledgerFor(t.app.db, donationId);
    expect(entries.map((e) => [e.kind, e.gross])).toEqual([['payment', 1200], ['refund', -1200]]);
  });
});

describe('disputes', () => {
  it('records a lost dispute as one withdrawal with its fee', async () => {
    const { donationId, charge } = await recordedGift(4000);
    const dispute = t.stripe.dispute(charge.id);
    await t.app.deliver('charge.dispute.created', dispute);
    await t.app.deliver('charge.dispute.funds_withdrawn', dispute);
    await t.app.deliver('charge.dispute.closed', t.stripe.closeDispute(dispute.id, 'lost'));

    const entries = await ledgerFor(t.app.db, donationId);
    expect(entries.map((e) => [e.kind, e.gross, e.fee, e.net])).toEqual([
      ['payment', 4000, entries[0]!.fee, 4000 - entries[0]!.fee],
      ['dispute', -4000, 1500, -5500],
    ]);
    expect(entries[1]).toMatchObject({ stripe_dispute_id: dispute.id, receipt_number: null });
  });

  it('records a won dispute as a withdrawal and a reversal that returns the money and the fee', async () => {
    const { donationId, charge } = await recordedGift(3000);
    const dispute = t.stripe.dispute(charge.id);
    await t.app.deliver('charge.dispute.created', dispute);
    const won = t.stripe.closeDispute(dispute.id, 'won');
    await t.app.deliver('charge.dispute.closed', won);
    await t.app.deliver('charge.dispute.funds_reinstated', won);

    const entries = await ledgerFor(t.app.db, donationId);
    expect(entries.map((e) => [e.kind, e.gross, e.fee, e.net]).slice(1)).toEqual([
      ['dispute', -3000, 1500, -4500],
      ['dispute_reversal', 3000, -1500, 4500],
    ]);
    expect(sumGross(entries)).toBe(3000);
  });

  it('takes disputed and refunded money out of the public progress', async () => {
    const before = (await t.app.getJson('/api/campaigns/organizer-training/progress')).body;
    const { charge } = await recordedGift(7000, 'training_fees');
    await t.app.deliver('charge.dispute.created', t.stripe.dispute(charge.id));
    const after = (await t.app.getJson('/api/campaigns/organizer-training/progress')).body;
    expect(after.raised).toBe(before.raised);
    const fees = (p: typeof after) => p.earmarks.find((e: { code: string }) => e.code === 'training_fees').raised;
    expect(fees(after)).toBe(fees(before));
  });
});

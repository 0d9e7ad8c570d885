import { buildCheckoutBody } from '../factories/checkout-body';
import { donationIdForSession, donationRow, ledgerFor } from '../helpers/ledger-queries';
import { useAppWithStripe } from '../helpers/app-with-stripe';

const t = useAppWithStripe();

async function checkout(overrides: Record<string, unknown> = {}) {
  const res = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody(overrides));
  expect(res.status).toBe(201);
  return { sessionId: res.body.id as string, url: res.body.url as string, donationId: await donationIdForSession(t.app.db, res.body.id) };
}

describe('a one-time gift', () => {
  it('goes from checkout to one payment entry with Stripe fee and net, and shows in progress', async () => {
    const { sessionId, url, donationId } = await checkout({ amount: 2000, earmark: 'travel' });
    expect(url).toBe(`https://checkout.stripe.com/c/pay/${sessionId}`);

    const [create] = t.stripe.calls('POST', '/v1/checkout/sessions');
    expect(create?.body).toMatchObject({
      mode: 'payment', submit_type: 'donate', 'line_items[0][price_data][unit_amount]': '2000',
      'line_items[0][price_data][currency]': 'usd', 'metadata[donation_id]': donationId,
      'payment_intent_data[metadata][donation_id]': donationId, client_reference_id: donationId, locale: 'en',
    });
    expect(create?.idempotencyKey).toBe(`checkout-${donationId}`);
    expect((await donationRow(t.app.db, donationId)).status).toBe('pending');

    const { session, charge, bt } = t.stripe.payOneTime(sessionId);
    const res = await t.app.sendEvent('checkout.session.completed', session);
    expect(res).toMatchObject({ status: 200, body: { received: true, outcome: 'processed' } });

    const entries = await ledgerFor(t.app.db, donationId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      kind: 'payment', gross: 2000, fee: bt.fee, net: 2000 - (bt.fee as number), currency: 'usd', installment: 1,
      stripe_charge_id: charge.id, stripe_balance_transaction_id: bt.id, card_last4: '4242',
    });
    expect(entries[0]?.receipt_number).toMatch(/^\d{4}-\d{6}$/);
    expect((await donationRow(t.app.db, donationId)).status).toBe('paid');

    const progress = await t.app.getJson('/api/campaigns/organizer-training/progress');
    const travel = progress.body.earmarks.find((e: { code: string }) => e.code === 'travel');
    expect(travel.raised).toBeGreaterThanOrEqual(2000);
  });

  it('waits for charge.updated when capture has not settled, then records the fee once', async () => {
    const { sessionId, donationId } = await checkout({ amount: 3000 });
    const { session, charge, bt } = t.stripe.payOneTime(sessionId, { settled: false });

    expect((await t.app.sendEvent('checkout.session.completed', session)).status).toBe(200);
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(0);

    const settled = t.stripe.settle(charge.id);
    expect((await t.app.sendEvent('charge.updated', settled)).status).toBe(200);
    expect((await t.app.sendEvent('charge.updated', settled)).status).toBe(200);
    const entries = await ledgerFor(t.app.db, donationId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ gross: 3000, fee: bt.fee, stripe_balance_transaction_id: bt.id });
  });

  it('records the payment when charge.updated comes before checkout.session.completed', async () => {
    const { sessionId, donationId } = await checkout({ amount: 4500 });
    const { session, charge } = t.stripe.payOneTime(sessionId, { settled: true });

    expect((await t.app.sendEvent('charge.updated', charge)).status).toBe(200);
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(0);
    expect((await t.app.sendEvent('checkout.session.completed', session)).status).toBe(200);
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(1);
  });

  it('charges the grossed-up total when the supporter covers the fees, and the organization nets the gift', async () => {
    const { sessionId, donationId } = await checkout({ amount: 2000, coverFees: true });
    const [create] = t.stripe.calls('POST', '/v1/checkout/sessions');
    expect(create?.body['line_items[0][price_data][unit_amount]']).toBe('2091');
    const { session } = t.stripe.payOneTime(sessionId);
    await t.app.deliver('checkout.session.completed', session);
    const [entry] = await ledgerFor(t.app.db, donationId);
    expect(entry).toMatchObject({ gross: 2091, fee: 91, net: 2000 });
  });

  it('marks an asynchronous payment processing, then paid when it succeeds', async () => {
    const { sessionId, donationId } = await checkout({ amount: 2500 });
    const { session } = t.stripe.payOneTime(sessionId);
    await t.app.deliver('checkout.session.completed', { ...session, payment_status: 'unpaid' });
    expect((await donationRow(t.app.db, donationId)).status).toBe('processing');
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(0);
    await t.app.deliver('checkout.session.async_payment_succeeded', session);
    expect((await donationRow(t.app.db, donationId)).status).toBe('paid');
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(1);
  });

  it('marks a failed asynchronous payment failed, with nothing in the ledger', async () => {
    const { sessionId, donationId } = await checkout({ amount: 2600 });
    const { session } = t.stripe.payOneTime(sessionId);
    await t.app.deliver('checkout.session.completed', { ...session, payment_status: 'unpaid' });
    await t.app.deliver('checkout.session.async_payment_failed', { ...session, payment_status: 'unpaid' });
    expect((await donationRow(t.app.db, donationId)).status).toBe('failed');
    expect(await ledgerFor(t.app.db, donationId)).toHaveLength(0);
  });
});

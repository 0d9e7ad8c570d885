import { donationRow, ledgerFor } from '../helpers/ledger-queries';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { addMonthsUtc } from '../../src/lib/months';
import { grossUpForFees } from '../../src/lib/money';
import { act, monthlyGift } from './my-gifts-helpers';

const t = useAppWithStripe();
const seconds = (d: Date) => String(Math.floor(d.getTime() / 1000));

/** Stripe takes the payments the schedule now says, and ends the subscription after the last phase. */
async function runSchedule(subscription: Record<string, unknown> & { id: string }) {
  const payments = t.stripe.scheduledPayments(subscription.id);
  for (const p of payments) await t.app.deliver('invoice.paid', t.stripe.invoiceAt(subscription as never, p.at, p.amount).invoice);
  await t.app.deliver('customer.subscription.deleted', t.stripe.endOfSchedule(subscription.id));
  return payments;
}

/** Schedule updates made by a gift change (the installment plan's own setup is keyed `installments-…`). */
const planCalls = () => t.stripe.calls('POST', '/v1/subscription_schedules/').filter((c) => c.idempotencyKey?.startsWith('gift-'));
const paymentsOf = async (donationId: string) => (await ledgerFor(t.app.db, donationId)).map((e) => [e.installment, Number(e.gross)]);

describe('a supporter changes a monthly gift of 6 payments', () => {
  it('from $20 to $35 after payment 2: it ends after payment 6, with four payments of $35', async () => {
    const { donationId, subscription, email, start } = await monthlyGift(t, { installments: 6, amount: 2000, paid: 2 });
    const res = await act(t, email, `/manage/gifts/${donationId}/amount?lang=en`, { amount: '35.00' });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/manage/gifts?lang=en&done=amount#gift-${donationId}`);

    const [update] = planCalls();
    const third = addMonthsUtc(start, 2);
    expect(update?.body).toMatchObject({
      end_behavior: 'cancel', proration_behavior: 'none',
      'phases[0][end_date]': seconds(third),
      'phases[1][items][0][price_data][unit_amount]': '3500', 'phases[1][items][0][price_data][product]': 'prod_test_1',
      'phases[1][items][0][price_data][recurring][interval]': 'month',
      'phases[1][duration][interval]': 'month', 'phases[1][duration][interval_count]': '4',
      'phases[1][metadata][donation_id]': donationId,
    });
    expect(update?.idempotencyKey).toBe(`gift-${donationId}-change-1`);

    const payments = await runSchedule(subscription);
    expect(payments.map((p) => p.at.toISOString())).toEqual([2, 3, 4, 5].map((m) => addMonthsUtc(start, m).toISOString()));
    expect(await paymentsOf(donationId)).toEqual([[1, 2000], [2, 2000], [3, 3500], [4, 3500], [5, 3500], [6, 3500]]);
    expect(await donationRow(t.app.db, donationId)).toMatchObject({ status: 'completed', amount: 3500, charge_amount: 3500 });

    const changes = await t.app.db('gift_changes').where({ donation_id: donationId });
    expect(changes).toMatchObject([{ kind: 'amount', actor_kind: 'supporter', actor_label: `supporter ${email}`, before: { amount: 2000 }, after: { amount: 3500 } }]);
    expect(await t.app.db('audit_log').where({ entity_id: donationId, action: 'gift.amount' }).first('actor_label')).toEqual({ actor_label: `supporter ${email}` });
    expect(await t.app.db('emails').where({ donation_id: donationId, template: 'gift_changed' }).select('locale')).toEqual([{ locale: 'en' }]);
  });

  it('recomputes "cover the fees" for the new amount with the organization\'s fee rule', async () => {
    const { donationId, email } = await monthlyGift(t, { installments: null, amount: 2000, coverFees: true });
    const org = await t.app.db('organizations').where({ slug: 'demo-network' }).first('fee_rate_bps', 'fee_fixed');
    expect((await act(t, email, `/manage/gifts/${donationId}/amount`, { amount: '35' })).status).toBe(303);
    const expected = grossUpForFees(3500, { rateBps: org.fee_rate_bps, fixed: Number(org.fee_fixed) });
    expect(expected).toBeGreaterThan(3500);
    const [update] = planCalls();
    // A gift until cancelled: one phase at the new amount, then the schedule lets the subscription go on as it is.
    expect(update?.body).toMatchObject({ end_behavior: 'release', 'phases[1][items][0][price_data][unit_amount]': String(expected) });
    expect(await donationRow(t.app.db, donationId)).toMatchObject({ amount: 3500, charge_amount: expected });
  });

  it('paused for two months after payment 2: the later payments move two months and it still ends after 6', async () => {
    const { donationId, subscription, email, start } = await monthlyGift(t, { installments: 6, paid: 2 });
    expect((await act(t, email, `/manage/gifts/${donationId}/pause`, { months: '2' })).status).toBe(303);
    const [update] = planCalls();
    expect(update?.body).toMatchObject({
      'phases[0][end_date]': seconds(addMonthsUtc(start, 2)),
      'phases[1][trial]': 'true', 'phases[1][duration][interval_count]': '2',
      'phases[2][duration][interval_count]': '4', 'phases[2][items][0][price_data][unit_amount]': '2000',
    });
    expect(update?.body['phases[2][trial]']).toBeUndefined();
    const row = await donationRow(t.app.db, donationId);
    expect(row.paused_until.toISOString()).toBe(addMonthsUtc(start, 4).toISOString());

    const payments = await runSchedule(subscription);
    // Billing restarts on the day the pause ends (Stripe's new anchor after a trial).
    expect(payments.map((p) => p.at.toISOString())).toEqual([0, 1, 2, 3].map((m) => addMonthsUtc(row.paused_until, m).toISOString()));
    expect(await paymentsOf(donationId)).toEqual([[1, 2000], [2, 2000], [3, 2000], [4, 2000], [5, 2000], [6, 2000]]);
    expect((await donationRow(t.app.db, donationId)).status).toBe('completed');
  });

  it('resumed before the pause begins: the pause is dropped and the payment dates are as before', async () => {
    const { donationId, subscription, email, start } = await monthlyGift(t, { installments: 6, paid: 2 });
    expect((await act(t, email, `/manage/gifts/${donationId}/pause`, { months: '3' })).status).toBe(303);
    expect((await act(t, email, `/manage/gifts/${donationId}/resume`)).status).toBe(303);
    const [, resume] = planCalls();
    expect(resume?.body['phases[1][trial]']).toBeUndefined();
    expect(resume?.body['phases[1][duration][interval_count]']).toBe('4');
    expect((await donationRow(t.app.db, donationId)).paused_until).toBeNull();
    const payments = await runSchedule(subscription);
    expect(payments[0]?.at.toISOString()).toBe(addMonthsUtc(start, 2).toISOString());
    expect(await paymentsOf(donationId)).toEqual([1, 2, 3, 4, 5, 6].map((k) => [k, 2000]));
  });

  it('cancelled, after a confirmation step: Stripe stops the charges and the gift is marked cancelled', async () => {
    const { donationId, subscription, email } = await monthlyGift(t, { installments: 6, paid: 2 });
    const unconfirmed = await act(t, email, `/manage/gifts/${donationId}/cancel`);
    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.html).toContain('Please confirm the cancellation.');
    expect(t.stripe.calls('DELETE', '/v1/subscriptions/')).toHaveLength(0);

    const done = await act(t, email, `/manage/gifts/${donationId}/cancel`, { confirm: 'yes' });
    expect(done.status).toBe(303);
    const [cancel] = t.stripe.calls('DELETE', `/v1/subscriptions/${subscription.id}`);
    expect(cancel?.idempotencyKey).toBe(`gift-${donationId}-cancel`);
    expect(await donationRow(t.app.db, donationId)).toMatchObject({ status: 'cancelled' });
    await t.app.deliver('customer.subscription.deleted', t.stripe.get(subscription.id));
    expect(await donationRow(t.app.db, donationId)).toMatchObject({ status: 'cancelled' });
    expect(await paymentsOf(donationId)).toEqual([[1, 2000], [2, 2000]]);

    // An ended gift cannot be changed: a clear message, and nothing asked of Stripe.
    const late = await act(t, email, `/manage/gifts/${donationId}/amount`, { amount: '30' });
    expect(late.status).toBe(422);
    expect(late.html).toContain('This gift has ended; it cannot be changed.');
    expect(planCalls()).toHaveLength(0);
  });

  it('card update: Stripe\'s page for a new card of this gift, and the schedule is left as it was', async () => {
    const { donationId, subscription, email } = await monthlyGift(t, { installments: 6, paid: 2 });
    const res = await act(t, email, `/manage/gifts/${donationId}/card?lang=es`, {}, 'es');
    expect(res.status).toBe(303);
    const customer = subscription.customer as string;
    const [setup] = t.stripe.calls('POST', '/v1/checkout/sessions').filter((c) => c.body.mode === 'setup');
    expect(res.location).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    expect(setup?.body).toMatchObject({
      customer, locale: 'es', 'metadata[subscription_id]': subscription.id,
      success_url: `http://localhost:3000/manage/gifts?lang=es&done=card#gift-${donationId}`,
      cancel_url: `http://localhost:3000/manage/gifts?lang=es#gift-${donationId}`,
    });
    expect(t.stripe.calls('POST', '/v1/billing_portal/sessions')).toHaveLength(0);
    expect(planCalls()).toHaveLength(0);
    for (const k of [3, 4, 5, 6]) await t.app.deliver('invoice.paid', t.stripe.invoice(subscription, k).invoice);
    await t.app.deliver('customer.subscription.deleted', t.stripe.endOfSchedule(subscription.id));
    expect(await paymentsOf(donationId)).toEqual([1, 2, 3, 4, 5, 6].map((k) => [k, 2000]));
    expect((await donationRow(t.app.db, donationId)).status).toBe('completed');
    expect(await t.app.db('gift_changes').where({ donation_id: donationId }).select('kind')).toEqual([{ kind: 'card' }]);
  });
});

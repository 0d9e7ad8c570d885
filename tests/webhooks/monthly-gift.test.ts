import { buildCheckoutBody } from '../factories/checkout-body';
import { donationIdForSession, donationRow, ledgerFor } from '../helpers/ledger-queries';
import { useAppWithStripe } from '../helpers/app-with-stripe';

const t = useAppWithStripe();

async function monthlyCheckout(installments: number | null, amount = 2000) {
  const res = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ frequency: 'monthly', installments, amount }));
  expect(res.status).toBe(201);
  return { sessionId: res.body.id as string, donationId: await donationIdForSession(t.app.db, res.body.id) };
}

const installmentsOf = async (donationId: string) => (await ledgerFor(t.app.db, donationId)).map((e) => e.installment);

describe('a monthly gift of a chosen number of payments', () => {
  it('charges exactly 3 times for installments: 3, then ends by itself', async () => {
    const { sessionId, donationId } = await monthlyCheckout(3);
    const [create] = t.stripe.calls('POST', '/v1/checkout/sessions');
    expect(create?.body).toMatchObject({
      mode: 'subscription', 'line_items[0][price_data][recurring][interval]': 'month',
      'subscription_data[metadata][donation_id]': donationId,
    });
    expect(create?.body.submit_type).toBeUndefined();

    const { session, subscription, invoice } = t.stripe.startSubscription(sessionId, { start: new Date('2026-01-31T18:00:00Z') });
    await t.app.deliver('checkout.session.completed', session);
    await t.app.deliver('invoice.paid', invoice);
    await t.app.deliver('customer.subscription.updated', { ...subscription, schedule: subscription.schedule });

    const schedules = t.stripe.calls('POST', '/v1/subscription_schedules');
    expect(schedules).toHaveLength(2); // create from the subscription, then set the one phase
    expect(schedules[0]?.body).toEqual({ from_subscription: subscription.id });
    expect(schedules[1]?.body).toMatchObject({
      end_behavior: 'cancel', 'phases[0][duration][interval]': 'month', 'phases[0][duration][interval_count]': '3',
      'phases[0][start_date]': String(subscription.start_date), 'phases[0][items][0][price]': 'price_test_1',
    });
    expect(schedules.every((call) => call.idempotencyKey)).toBe(true);

    for (const k of [2, 3]) {
      const next = t.stripe.invoice(subscription, k);
      expect((await t.app.sendEvent('invoice.paid', next.invoice)).status).toBe(200);
    }
    // Stripe's schedule ends after the third period (Jan 31, Feb 28, Mar 31 -> Apr 30).
    const schedule = t.stripe.get(subscription.schedule as string);
    expect(new Date((schedule.phases as Array<{ end_date: number }>)[0]!.end_date * 1000).toISOString()).toBe('2026-04-30T18:00:00.000Z');
    await t.app.deliver('customer.subscription.deleted', t.stripe.endOfSchedule(subscription.id));

    expect(await installmentsOf(donationId)).toEqual([1, 2, 3]);
    const donation = await donationRow(t.app.db, donationId);
    expect(donation).toMatchObject({ status: 'completed', stripe_subscription_id: subscription.id, stripe_schedule_id: subscription.schedule });
    expect(t.stripe.calls('POST', '/v1/subscription_schedules')).toHaveLength(2);
  });

  it('records the first payment once when invoice.paid comes before checkout.session.completed', async () => {
    const { sessionId, donationId } = await monthlyCheckout(6);
    const { session, invoice, subscription } = t.stripe.startSubscription(sessionId);

    expect((await t.app.sendEvent('invoice.paid', invoice)).status).toBe(200);
    expect((await donationRow(t.app.db, donationId)).stripe_subscription_id).toBe(subscription.id);
    expect((await t.app.sendEvent('checkout.session.completed', session)).status).toBe(200);
    expect((await t.app.sendEvent('invoice.paid', invoice)).status).toBe(200);

    expect(await installmentsOf(donationId)).toEqual([1]);
    expect(t.stripe.calls('POST', '/v1/subscription_schedules')).toHaveLength(2);
    expect(t.stripe.calls('POST', '/v1/subscription_schedules')[1]?.body['phases[0][duration][interval_count]']).toBe('6');
  });

  it('sets the schedule to the payments still owed when the first events arrive late', async () => {
    const { sessionId, donationId } = await monthlyCheckout(3);
    const { session, subscription, invoice: firstInvoice } = t.stripe.startSubscription(sessionId, { start: new Date('2026-03-15T09:00:00Z') });
    const second = t.stripe.invoice(subscription, 2); // a month passed before any event reached us

    await t.app.deliver('invoice.paid', second.invoice);
    const update = t.stripe.calls('POST', '/v1/subscription_schedules')[1];
    expect(update?.body['phases[0][duration][interval_count]']).toBe('2');
    expect(update?.body['phases[0][start_date]']).toBe(String(Date.parse('2026-04-15T09:00:00Z') / 1000));

    await t.app.deliver('checkout.session.completed', session);
    expect((await t.app.sendEvent('invoice.paid', firstInvoice)).status).toBe(200);
    const third = t.stripe.invoice(subscription, 3);
    await t.app.deliver('invoice.paid', third.invoice);
    await t.app.deliver('customer.subscription.deleted', t.stripe.endOfSchedule(subscription.id));

    expect((await installmentsOf(donationId)).sort()).toEqual([1, 2, 3]);
    expect((await donationRow(t.app.db, donationId)).status).toBe('completed');
    const schedule = t.stripe.get(subscription.schedule as string);
    expect(new Date((schedule.phases as Array<{ end_date: number }>)[0]!.end_date * 1000).toISOString()).toBe('2026-06-15T09:00:00.000Z');
  });

  it('leaves a gift "until I cancel" without a schedule, and marks it cancelled when the supporter stops it', async () => {
    const { sessionId, donationId } = await monthlyCheckout(null);
    const { session, invoice, subscription } = t.stripe.startSubscription(sessionId);
    await t.app.deliver('checkout.session.completed', session);
    await t.app.deliver('invoice.paid', invoice);
    expect(t.stripe.calls('POST', '/v1/subscription_schedules')).toHaveLength(0);

    const cancelled = { ...subscription, status: 'canceled', ended_at: Math.floor(Date.now() / 1000) };
    await t.app.deliver('customer.subscription.deleted', cancelled);
    expect(await donationRow(t.app.db, donationId)).toMatchObject({ status: 'cancelled', installments: null });
    expect(await installmentsOf(donationId)).toEqual([1]);
  });

  it('marks a failed renewal failing, and an older event does not undo a newer one', async () => {
    const { sessionId, donationId } = await monthlyCheckout(null);
    const { session, invoice, subscription } = t.stripe.startSubscription(sessionId);
    await t.app.deliver('checkout.session.completed', session);
    await t.app.deliver('invoice.paid', invoice, { created: new Date(Date.now() - 60_000) });

    const failed = t.stripe.invoice(subscription, 2);
    await t.app.deliver('invoice.payment_failed', { ...failed.invoice, status: 'open', amount_paid: 0 });
    expect((await donationRow(t.app.db, donationId)).status).toBe('failing');

    await t.app.deliver('customer.subscription.updated', { ...subscription, status: 'active' }, { created: new Date(Date.now() - 30_000) });
    expect((await donationRow(t.app.db, donationId)).status).toBe('failing');

    await t.app.deliver('invoice.paid', failed.invoice);
    expect((await donationRow(t.app.db, donationId)).status).toBe('active');
    expect(await installmentsOf(donationId)).toEqual([1, 2]);
  });
});

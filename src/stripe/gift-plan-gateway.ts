import type Stripe from 'stripe';
import type { GiftPlanRequest, GiftPlanState, GiftSubscriptionState, PaymentGateway } from './payment-types';

type GiftPlanMethods = Pick<PaymentGateway, 'setGiftPlan' | 'readGiftSubscription' | 'cancelGift' | 'createCardUpdateSession'
  | 'retrieveSetupPaymentMethod' | 'retrieveCard' | 'setSubscriptionPaymentMethod'>;

const toDate = (seconds: number): Date => new Date(seconds * 1000);
const idOf = (value: string | { id: string } | null | undefined): string | null =>
  value == null ? null : typeof value === 'string' ? value : value.id;

function addMonths(seconds: number, months: number): number {
  const date = new Date(seconds * 1000);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1,
    date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return Math.floor(target.getTime() / 1000);
}

/**
 * Monthly gift changes through the subscription's schedule: a subscription on a schedule is
 * changed by rewriting the schedule's phases (Stripe lets the schedule overwrite direct changes
 * at its next phase). The amount is a price_data on the gift's own product, so a supporter's own
 * amount needs no price set up in advance; a pause is a phase with `trial`, which charges nothing
 * and moves the billing date; the last phase's `duration` is the payments still owed.
 */
export function giftPlanMethods(stripe: Stripe): GiftPlanMethods {
  return {
    async setGiftPlan(req: GiftPlanRequest): Promise<GiftPlanState> {
      const sub = await stripe.subscriptions.retrieve(req.subscriptionId);
      const item = sub.items.data[0];
      if (!item) throw new Error(`subscription ${sub.id} has no item`);
      const product = idOf(item.price.product as string | { id: string });
      if (!product) throw new Error(`subscription ${sub.id} has no product`);
      const scheduleId = idOf(sub.schedule);
      const schedule = scheduleId
        ? await stripe.subscriptionSchedules.retrieve(scheduleId)
        : await stripe.subscriptionSchedules.create({ from_subscription: sub.id }, { idempotencyKey: `${req.idempotencyKey}-schedule` });
      const current = schedule.phases.find((p) => p.start_date === schedule.current_phase?.start_date) ?? schedule.phases[0];
      if (!current) throw new Error(`subscription schedule ${schedule.id} has no phase`);
      const now = Math.floor(Date.now() / 1000);
      const cut = req.currentPhaseEnd === 'now' ? now : item.current_period_end;
      const metadata = { donation_id: req.donationId, earmark: req.earmark };
      const priceData = { currency: req.currency, product, unit_amount: req.amount, recurring: { interval: 'month' as const } };
      const paying = addMonths(cut, req.pauseMonths);
      // A gift that ends with its campaign keeps its end date through every change.
      const endsWithCampaign = req.remaining == null && req.endsAt != null;
      const phases: Stripe.SubscriptionScheduleUpdateParams.Phase[] = [
        {
          items: current.items.map((i) => ({ price: idOf(i.price as string | { id: string }) as string, quantity: i.quantity ?? 1 })),
          start_date: current.start_date,
          end_date: req.currentPhaseEnd === 'now' ? 'now' : cut,
          ...(current.trial ? { trial: true } : {}),
        },
        ...(req.pauseMonths > 0
          ? [{ items: [{ price_data: priceData, quantity: 1 }], trial: true, duration: { interval: 'month' as const, interval_count: req.pauseMonths }, metadata }]
          : []),
        endsWithCampaign
          ? { items: [{ price_data: priceData, quantity: 1 }], end_date: Math.max(Math.floor((req.endsAt as Date).getTime() / 1000), paying + 1), metadata }
          : { items: [{ price_data: priceData, quantity: 1 }], duration: { interval: 'month' as const, interval_count: req.remaining ?? 1 }, metadata },
      ];
      const updated = await stripe.subscriptionSchedules.update(schedule.id, {
        end_behavior: req.remaining == null && !endsWithCampaign ? 'release' : 'cancel',
        proration_behavior: 'none',
        phases,
      }, { idempotencyKey: req.idempotencyKey });
      return { scheduleId: updated.id, nextPaymentAt: toDate(paying) };
    },

    async readGiftSubscription(subscriptionId: string): Promise<GiftSubscriptionState> {
      const sub = await stripe.subscriptions.retrieve(subscriptionId);
      let paidInvoices = 0;
      for await (const invoice of stripe.invoices.list({ subscription: subscriptionId, status: 'paid', limit: 100 })) {
        if (invoice.amount_paid > 0) paidInvoices += 1;
      }
      const live = ['active', 'trialing', 'past_due', 'unpaid'].includes(sub.status);
      const end = sub.items.data[0]?.current_period_end;
      return { status: sub.status, nextPaymentAt: live && end ? toDate(end) : null, paidInvoices };
    },

    async cancelGift(subscriptionId, idempotencyKey) {
      await stripe.subscriptions.cancel(subscriptionId, {}, { idempotencyKey });
    },

    // Not the customer portal: its payment_method_update flow names no subscription and sets only the
    // customer's invoice_settings.default_payment_method, which a subscription made by Checkout
    // (it has its own default_payment_method) never charges. Checkout in setup mode collects the card;
    // once it completes, a job makes it this subscription's default (setSubscriptionPaymentMethod).
    async createCardUpdateSession(req) {
      const metadata = { donation_id: req.donationId, subscription_id: req.subscriptionId, purpose: 'card_update' };
      const session = await stripe.checkout.sessions.create({
        mode: 'setup',
        customer: req.customerId,
        currency: req.currency,
        allowed_payment_method_types: ['card'],
        locale: req.locale,
        metadata,
        setup_intent_data: { metadata },
        success_url: req.successUrl,
        cancel_url: req.cancelUrl,
      });
      if (!session.url) throw new Error('Stripe did not return a Checkout address for the card update');
      return { url: session.url };
    },

    async retrieveSetupPaymentMethod(setupIntentId) {
      const intent = await stripe.setupIntents.retrieve(setupIntentId);
      return intent.status === 'succeeded' ? idOf(intent.payment_method) : null;
    },

    async retrieveCard(paymentMethodId) {
      const pm = await stripe.paymentMethods.retrieve(paymentMethodId);
      return { brand: pm.card?.brand ?? null, last4: pm.card?.last4 ?? null };
    },

    async setSubscriptionPaymentMethod(subscriptionId, paymentMethodId, idempotencyKey) {
      // Only the payment method: the items, the schedule's phases and the billing dates are untouched.
      await stripe.subscriptions.update(subscriptionId, { default_payment_method: paymentMethodId }, { idempotencyKey });
    },
  };
}

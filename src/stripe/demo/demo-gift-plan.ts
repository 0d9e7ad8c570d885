import { randomBytes } from 'node:crypto';
import { addMonthsUtc } from '../../lib/months';
import type { PaymentGateway } from '../payment-types';
import type { DemoStore } from './demo-store';

type GiftPlanMethods = Pick<PaymentGateway, 'setGiftPlan' | 'readGiftSubscription' | 'cancelGift' | 'createCardUpdateSession'
  | 'retrieveSetupPaymentMethod' | 'retrieveCard' | 'setSubscriptionPaymentMethod'>;

const toDate = (seconds: unknown): Date => new Date(Number(seconds) * 1000);
const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * Demo mode's monthly gift changes: the demo subscription keeps the plan Stripe's schedule would
 * (amount, earmark, a pause as a trial, the payments still owed) and moves its next payment
 * date, so "my gifts" shows the same as with Stripe. These run outside any transaction, so they
 * load and save the demo objects themselves.
 */
export function demoGiftPlanMethods(store: DemoStore, publicUrl: string): GiftPlanMethods {
  return {
    async setGiftPlan(req) {
      await store.load([req.subscriptionId]);
      const sub = store.require(req.subscriptionId);
      const now = new Date();
      const cut = req.currentPhaseEnd === 'now' ? now : toDate(sub.current_period_end);
      const paying = addMonthsUtc(cut, req.pauseMonths);
      const scheduleId = typeof sub.schedule === 'string' ? sub.schedule : `sub_sched_demo_${sub.id.slice(-12)}`;
      store.put({
        ...(store.get(scheduleId) ?? {}), id: scheduleId, object: 'subscription_schedule', status: 'active', subscription: sub.id,
        phase_start: seconds(paying),
        phase_end: req.remaining != null ? seconds(addMonthsUtc(paying, req.remaining)) : req.endsAt ? seconds(req.endsAt) : null,
        price: sub.price, end_behavior: req.remaining == null && !req.endsAt ? 'release' : 'cancel',
        plan: { amount: req.amount, earmark: req.earmark, pause_months: req.pauseMonths, remaining: req.remaining },
      });
      store.put({
        ...sub, schedule: scheduleId, amount: req.amount, metadata: { ...(sub.metadata as object), earmark: req.earmark },
        status: paying > now ? (req.pauseMonths > 0 || sub.status === 'trialing' ? 'trialing' : 'active') : 'active',
        current_period_end: seconds(paying > now ? paying : addMonthsUtc(now, 1)),
      });
      await store.save();
      return { scheduleId, nextPaymentAt: paying > now ? paying : now };
    },

    async readGiftSubscription(subscriptionId) {
      await store.load([subscriptionId]);
      const sub = store.require(subscriptionId);
      const live = ['active', 'trialing', 'past_due', 'unpaid'].includes(String(sub.status));
      // The demo charges a monthly gift's first payment only; there is no clock to take the next ones.
      return { status: String(sub.status), nextPaymentAt: live ? toDate(sub.current_period_end) : null, paidInvoices: Number(sub.paid_invoices ?? 1) };
    },

    async cancelGift(subscriptionId) {
      await store.load([subscriptionId]);
      store.put({ ...store.require(subscriptionId), status: 'canceled', ended_at: seconds(new Date()) });
      await store.save();
    },

    // As Stripe's: a setup-mode checkout (the demo page asks for no card and saves a test one); its
    // completion sends checkout.session.completed, then customer.subscription.updated (demo-payment.ts).
    async createCardUpdateSession(req) {
      const id = `cs_demo_${randomBytes(10).toString('hex')}`;
      store.put({
        id, object: 'checkout.session', mode: 'setup', status: 'open', payment_status: 'no_payment_required',
        amount_total: null, currency: req.currency, customer: req.customerId, client_reference_id: null,
        metadata: { donation_id: req.donationId, subscription_id: req.subscriptionId, purpose: 'card_update' },
        payment_intent: null, subscription: null, setup_intent: null, locale: req.locale,
        success_url: req.successUrl, cancel_url: req.cancelUrl, created: seconds(new Date()),
      });
      await store.save();
      return { url: `${publicUrl}/demo/checkout/${id}` };
    },

    async retrieveSetupPaymentMethod(setupIntentId) {
      await store.load([setupIntentId]);
      const intent = store.require(setupIntentId);
      return intent.status === 'succeeded' && typeof intent.payment_method === 'string' ? intent.payment_method : null;
    },

    async retrieveCard(paymentMethodId) {
      await store.load([paymentMethodId]);
      const card = store.get(paymentMethodId)?.card as { brand?: string; last4?: string } | undefined;
      return { brand: card?.brand ?? null, last4: card?.last4 ?? null };
    },

    async setSubscriptionPaymentMethod(subscriptionId, paymentMethodId) {
      await store.load([subscriptionId]);
      store.put({ ...store.require(subscriptionId), default_payment_method: paymentMethodId });
      await store.save();
    },
  };
}

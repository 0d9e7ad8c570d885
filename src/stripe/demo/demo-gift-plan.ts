import { addMonthsUtc } from '../../lib/months';
import type { PaymentGateway } from '../payment-types';
import type { DemoStore } from './demo-store';

type GiftPlanMethods = Pick<PaymentGateway, 'setGiftPlan' | 'readGiftSubscription' | 'cancelGift' | 'createCardUpdateSession'>;

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

    async createCardUpdateSession(_customerId, returnUrl) {
      // No card is asked for in demo mode: the supporter comes straight back, as from Stripe's page.
      const url = new URL(returnUrl, publicUrl);
      url.searchParams.set('done', 'card');
      return { url: url.toString() };
    },
  };
}

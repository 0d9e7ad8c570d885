import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { AppError } from '../lib/errors';
import { addMonthsUtc } from '../lib/months';
import type {
  BalanceTx, ChargeInfo, CheckoutSessionRequest, PaymentGateway, ScheduleInfo, SubscriptionInfo,
} from './payment-types';
import { verifyWithSecret } from './stripe-gateway';
import type { DemoObject, DemoStore } from './demo/demo-store';
import { demoGiftPlanMethods } from './demo/demo-gift-plan';

export interface DemoGatewayOptions {
  readonly publicUrl: string;
  readonly webhookSecret: string;
  readonly store: DemoStore;
}

export const demoId = (prefix: string): string => `${prefix}_demo_${randomBytes(10).toString('hex')}`;
const toDate = (seconds: unknown): Date => new Date(Number(seconds) * 1000);
const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

function balanceTx(o: DemoObject): BalanceTx {
  return { id: o.id, amount: Number(o.amount), fee: Number(o.fee), net: Number(o.net), currency: String(o.currency), created: toDate(o.created) };
}

function scheduleInfo(o: DemoObject): ScheduleInfo {
  return {
    id: o.id, status: String(o.status), phaseStart: toDate(o.phase_start), phaseEnd: o.phase_end == null ? null : toDate(o.phase_end),
    priceId: String(o.price), endBehavior: String(o.end_behavior),
  };
}

/**
 * Stands in for Stripe when no key is set. Checkout opens a local page (`/demo/checkout/:id`)
 * whose "Pay" sends the events Stripe would, signed with the demo secret kept in $DATA_DIR;
 * the webhook handlers then read the demo's own objects through these methods.
 */
export function createDemoGateway(options: DemoGatewayOptions): PaymentGateway {
  const signer = new Stripe('sk_test_demo_mode_no_network');
  const { store } = options;
  return {
    ...demoGiftPlanMethods(store, options.publicUrl),
    async createCheckoutSession(req: CheckoutSessionRequest) {
      const id = demoId('cs');
      store.put({
        id, object: 'checkout.session', mode: req.mode, status: 'open', payment_status: 'unpaid',
        amount_total: req.chargeAmount, currency: req.currency, customer: req.customerId, customer_email: req.customerEmail,
        client_reference_id: req.donationId, metadata: { donation_id: req.donationId }, payment_intent: null, subscription: null,
        locale: req.locale, product_name: req.productName, success_url: req.successUrl, cancel_url: req.cancelUrl,
        created: seconds(new Date()),
      });
      await store.save();
      return { id, url: `${options.publicUrl}/demo/checkout/${id}` };
    },

    async retrievePaymentIntentCharge(paymentIntentId): Promise<ChargeInfo | null> {
      const intent = store.require(paymentIntentId);
      const charge = typeof intent.latest_charge === 'string' ? store.get(intent.latest_charge) : null;
      if (!charge) return null;
      const bt = typeof charge.balance_transaction === 'string' ? store.get(charge.balance_transaction) : null;
      return {
        id: charge.id, status: String(charge.status), paymentIntentId, paymentMethod: 'card', cardLast4: '4242',
        created: toDate(charge.created), balanceTransaction: bt ? balanceTx(bt) : null,
      };
    },

    async retrieveBalanceTransaction(id) {
      return balanceTx(store.require(id));
    },

    async findInvoicePaymentIntent(invoiceId) {
      const intent = store.require(invoiceId).payment_intent;
      return typeof intent === 'string' ? intent : null;
    },

    async findPaymentOrigin(paymentIntentId) {
      const meta = store.get(paymentIntentId)?.metadata as Record<string, string> | undefined;
      return { donationId: meta?.donation_id ?? null, subscriptionId: null };
    },

    async retrieveSubscription(id): Promise<SubscriptionInfo> {
      const sub = store.require(id);
      return {
        id, status: String(sub.status), customerId: String(sub.customer), startDate: toDate(sub.start_date),
        currentPeriodStart: toDate(sub.current_period_start), scheduleId: typeof sub.schedule === 'string' ? sub.schedule : null,
        priceId: String(sub.price),
      };
    },

    async createScheduleFromSubscription(subscriptionId) {
      const sub = store.require(subscriptionId);
      if (typeof sub.schedule === 'string') return scheduleInfo(store.require(sub.schedule));
      const start = toDate(sub.current_period_start);
      const schedule = store.put({
        id: demoId('sub_sched'), object: 'subscription_schedule', status: 'active', subscription: subscriptionId,
        phase_start: seconds(start), phase_end: seconds(addMonthsUtc(start, 1)), price: sub.price, end_behavior: 'release',
      });
      store.put({ ...sub, schedule: schedule.id });
      return scheduleInfo(schedule);
    },

    async retrieveSchedule(id) {
      return scheduleInfo(store.require(id));
    },

    async endScheduleAfterMonths(schedule, months) {
      const saved = store.put({
        ...store.require(schedule.id), phase_end: seconds(addMonthsUtc(schedule.phaseStart, months)), end_behavior: 'cancel',
      });
      return scheduleInfo(saved);
    },

    async endScheduleAt(schedule, endsAt) {
      const saved = store.put({ ...store.require(schedule.id), phase_end: seconds(endsAt), end_behavior: 'cancel' });
      return scheduleInfo(saved);
    },

    async cancelSubscription(subscriptionId) {
      store.put({ ...store.require(subscriptionId), status: 'canceled', ended_at: seconds(new Date()) });
    },

    async listRefunds() {
      return []; // the demo takes no refunds through Stripe
    },

    async createRefund() {
      throw new AppError(503, 'demo_mode', 'Demo mode takes no refunds through Stripe; set STRIPE_SECRET_KEY to refund real gifts');
    },

    async retrievePayout() {
      throw new AppError(503, 'demo_mode', 'Demo mode has no payouts; set STRIPE_SECRET_KEY to reconcile real ones');
    },

    async listPayoutBalanceTransactions() {
      throw new AppError(503, 'demo_mode', 'Demo mode has no payouts; set STRIPE_SECRET_KEY to reconcile real ones');
    },

    async createPortalSession() {
      throw new AppError(503, 'demo_mode', 'Demo mode has no Stripe customer portal; set STRIPE_SECRET_KEY to manage real monthly gifts');
    },

    verifyEvent: (rawBody, signature) => verifyWithSecret(signer, rawBody, signature, options.webhookSecret),
  };
}

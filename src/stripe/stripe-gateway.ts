import Stripe from 'stripe';
import { AppError } from '../lib/errors';
import { giftPlanMethods } from './gift-plan-gateway';
import type {
  BalanceTx, ChargeInfo, CheckoutSessionCreated, CheckoutSessionRequest, PaymentGateway,
  PayoutBalanceTx, PayoutInfo, RefundInfo, ScheduleInfo, SubscriptionInfo, VerifiedEvent,
} from './payment-types';

export interface StripeGatewayOptions {
  readonly secretKey: string;
  readonly webhookSecret: string;
  readonly apiBase?: string;
  /** Seconds a signature stays valid; Stripe's own default is five minutes. */
  readonly toleranceSeconds?: number;
  readonly maxNetworkRetries?: number;
}

const toDate = (seconds: number): Date => new Date(seconds * 1000);
const idOf = (value: string | { id: string } | null | undefined): string | null =>
  value == null ? null : typeof value === 'string' ? value : value.id;

function toBalanceTx(bt: Stripe.BalanceTransaction | string | null): BalanceTx | null {
  if (bt == null || typeof bt === 'string') return null;
  return { id: bt.id, amount: bt.amount, fee: bt.fee, net: bt.net, currency: bt.currency, created: toDate(bt.created) };
}

function toChargeInfo(charge: Stripe.Charge): ChargeInfo {
  return {
    id: charge.id,
    status: charge.status,
    paymentIntentId: idOf(charge.payment_intent),
    paymentMethod: charge.payment_method_details?.type ?? null,
    cardLast4: charge.payment_method_details?.card?.last4 ?? null,
    created: toDate(charge.created),
    balanceTransaction: toBalanceTx(charge.balance_transaction),
  };
}

function toSchedule(schedule: Stripe.SubscriptionSchedule): ScheduleInfo {
  const now = Math.floor(Date.now() / 1000);
  const phase =
    schedule.phases.find((p) => p.start_date === schedule.current_phase?.start_date) ??
    schedule.phases.find((p) => p.start_date <= now && now < p.end_date) ??
    schedule.phases[0];
  const price = phase?.items[0]?.price;
  if (!phase || !price) throw new Error(`subscription schedule ${schedule.id} has no phase with a price`);
  return {
    id: schedule.id,
    status: schedule.status,
    phaseStart: toDate(phase.start_date),
    phaseEnd: phase.end_date ? toDate(phase.end_date) : null,
    priceId: typeof price === 'string' ? price : price.id,
    endBehavior: schedule.end_behavior,
  };
}

function apiBaseOptions(apiBase: string | undefined): Partial<Stripe.StripeConfig> {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol };
}

/** The only module that talks to Stripe's API. */
export function createStripeGateway(options: StripeGatewayOptions): PaymentGateway {
  const stripe = new Stripe(options.secretKey, {
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: 20_000,
    appInfo: { name: 'Colecta' },
    ...apiBaseOptions(options.apiBase),
  });
  const tolerance = options.toleranceSeconds ?? 300;

  /** The schedule's one phase, from its start, ending as `end` says; then Stripe cancels the subscription. */
  const endSinglePhase = async (
    schedule: ScheduleInfo, end: { duration: { interval: 'month'; interval_count: number } } | { end_date: number }, idempotencyKey: string,
  ): Promise<ScheduleInfo> => toSchedule(await stripe.subscriptionSchedules.update(
    schedule.id,
    {
      end_behavior: 'cancel',
      proration_behavior: 'none',
      phases: [{ items: [{ price: schedule.priceId, quantity: 1 }], start_date: Math.floor(schedule.phaseStart.getTime() / 1000), ...end }],
    },
    { idempotencyKey },
  ));

  return {
    ...giftPlanMethods(stripe),
    async createCheckoutSession(req: CheckoutSessionRequest): Promise<CheckoutSessionCreated> {
      const metadata = { donation_id: req.donationId };
      const recurring = req.mode === 'subscription' ? { recurring: { interval: 'month' as const } } : {};
      const params: Stripe.Checkout.SessionCreateParams = {
        mode: req.mode,
        line_items: [{
          quantity: 1,
          price_data: {
            currency: req.currency,
            unit_amount: req.chargeAmount,
            product_data: { name: req.productName },
            ...recurring,
          },
        }],
        client_reference_id: req.donationId,
        metadata,
        locale: req.locale,
        success_url: req.successUrl,
        cancel_url: req.cancelUrl,
        ...(req.customerId ? { customer: req.customerId } : { customer_email: req.customerEmail }),
        ...(req.mode === 'payment'
          ? {
              submit_type: 'donate' as const,
              payment_intent_data: { metadata, description: req.description },
              ...(req.customerId ? {} : { customer_creation: 'always' as const }),
            }
          : { subscription_data: { metadata, description: req.description } }),
      };
      const session = await stripe.checkout.sessions.create(params, { idempotencyKey: `checkout-${req.donationId}` });
      if (!session.url) throw new AppError(502, 'stripe_no_url', 'Stripe did not return a checkout address');
      return { id: session.id, url: session.url };
    },

    async retrievePaymentIntentCharge(paymentIntentId) {
      const intent = await stripe.paymentIntents.retrieve(paymentIntentId, {
        expand: ['latest_charge.balance_transaction'],
      });
      const charge = intent.latest_charge;
      return charge && typeof charge !== 'string' ? toChargeInfo(charge) : null;
    },

    async retrieveBalanceTransaction(id) {
      const bt = toBalanceTx(await stripe.balanceTransactions.retrieve(id));
      if (!bt) throw new Error(`balance transaction ${id} could not be read`);
      return bt;
    },

    async findInvoicePaymentIntent(invoiceId) {
      const payments = await stripe.invoicePayments.list({ invoice: invoiceId, status: 'paid', limit: 10 });
      for (const payment of payments.data) {
        const intent = idOf(payment.payment.payment_intent);
        if (intent) return intent;
      }
      return null;
    },

    async findPaymentOrigin(paymentIntentId) {
      const intent = await stripe.paymentIntents.retrieve(paymentIntentId);
      const direct = intent.metadata?.donation_id ?? null;
      if (direct) return { donationId: direct, subscriptionId: null };
      const payments = await stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: paymentIntentId }, limit: 1 });
      const invoiceId = idOf(payments.data[0]?.invoice);
      if (!invoiceId) return { donationId: null, subscriptionId: null };
      const details = (await stripe.invoices.retrieve(invoiceId)).parent?.subscription_details ?? null;
      return { donationId: details?.metadata?.donation_id ?? null, subscriptionId: idOf(details?.subscription) };
    },

    async retrieveSubscription(id): Promise<SubscriptionInfo> {
      const sub = await stripe.subscriptions.retrieve(id);
      const item = sub.items.data[0];
      return {
        id: sub.id,
        status: sub.status,
        customerId: idOf(sub.customer),
        startDate: toDate(sub.start_date),
        currentPeriodStart: item ? toDate(item.current_period_start) : null,
        scheduleId: idOf(sub.schedule),
        priceId: item?.price.id ?? null,
      };
    },

    async createScheduleFromSubscription(subscriptionId) {
      return toSchedule(await stripe.subscriptionSchedules.create(
        { from_subscription: subscriptionId },
        { idempotencyKey: `installments-schedule-${subscriptionId}` },
      ));
    },

    async retrieveSchedule(id) {
      return toSchedule(await stripe.subscriptionSchedules.retrieve(id));
    },

    endScheduleAfterMonths: (schedule, months) => endSinglePhase(
      schedule, { duration: { interval: 'month', interval_count: months } }, `installments-phases-${schedule.id}-${months}`,
    ),

    endScheduleAt(schedule, endsAt) {
      const end = Math.floor(endsAt.getTime() / 1000);
      return endSinglePhase(schedule, { end_date: end }, `campaign-end-phases-${schedule.id}-${end}`);
    },

    async createPortalSession(customerId, returnUrl) {
      const session = await stripe.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl });
      return { url: session.url };
    },

    async cancelSubscription(subscriptionId) {
      await stripe.subscriptions.cancel(subscriptionId, {}, { idempotencyKey: `cancel-${subscriptionId}` });
    },

    async listRefunds(chargeId) {
      const refunds: RefundInfo[] = [];
      for await (const refund of stripe.refunds.list({ charge: chargeId, limit: 100, expand: ['data.balance_transaction'] })) {
        refunds.push({
          id: refund.id,
          chargeId,
          status: refund.status ?? 'pending',
          created: toDate(refund.created),
          balanceTransaction: toBalanceTx(refund.balance_transaction ?? null),
        });
      }
      return refunds;
    },

    async createRefund(chargeId, amount, idempotencyKey) {
      const refund = await stripe.refunds.create({ charge: chargeId, amount, reason: 'requested_by_customer' }, { idempotencyKey })
        .catch((error: unknown) => {
          // Stripe's refusal (already refunded, disputed charge) is for the person who asked, not a crash.
          if (error instanceof Stripe.errors.StripeError) throw new AppError(502, 'stripe_refused', `Stripe refused the refund: ${error.message}`);
          throw error;
        });
      return {
        id: refund.id, chargeId, status: refund.status ?? 'pending', created: toDate(refund.created),
        balanceTransaction: toBalanceTx(refund.balance_transaction ?? null),
      };
    },

    async retrievePayout(id): Promise<PayoutInfo> {
      const payout = await stripe.payouts.retrieve(id);
      return {
        id: payout.id, amount: payout.amount, currency: payout.currency, arrivalDate: toDate(payout.arrival_date),
        status: payout.status,
      };
    },

    async listPayoutBalanceTransactions(payoutId) {
      const transactions: PayoutBalanceTx[] = [];
      // The SDK's auto-pagination asks for each next page with starting_after.
      for await (const bt of stripe.balanceTransactions.list({ payout: payoutId, limit: 100 })) {
        transactions.push({
          id: bt.id, amount: bt.amount, fee: bt.fee, net: bt.net, currency: bt.currency, type: bt.type, sourceId: idOf(bt.source),
        });
      }
      return transactions;
    },

    verifyEvent(rawBody, signature): VerifiedEvent {
      return verifyWithSecret(stripe, rawBody, signature, options.webhookSecret, tolerance);
    },
  };
}

/**
 * Stripe answered 429: more requests than the account's or the endpoint's limit allows
 * (https://docs.stripe.com/rate-limits). The SDK does not retry these; the caller slows down.
 */
export const isStripeRateLimit = (error: unknown): boolean => error instanceof Stripe.errors.StripeRateLimitError;

export class SignatureError extends AppError {
  constructor(message: string) {
    super(400, 'bad_signature', message);
  }
}

export function verifyWithSecret(
  stripe: Stripe, rawBody: Buffer, signature: string | undefined, secret: string, tolerance = 300,
): VerifiedEvent {
  if (!signature) throw new SignatureError('Missing Stripe-Signature header');
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(rawBody, signature, secret, tolerance);
  } catch (error) {
    throw new SignatureError(error instanceof Error ? error.message : 'Invalid signature');
  }
  return {
    id: event.id,
    type: event.type,
    created: toDate(event.created),
    livemode: event.livemode,
    object: event.data.object,
    previousAttributes: (event.data.previous_attributes as Record<string, unknown> | undefined) ?? null,
  };
}

/** Plain shapes the rest of Colecta sees; only stripe-gateway.ts knows the SDK's types. */

export interface BalanceTx {
  readonly id: string;
  readonly amount: number;
  readonly fee: number;
  readonly net: number;
  readonly currency: string;
  readonly created: Date;
}

export interface ChargeInfo {
  readonly id: string;
  readonly status: string;
  readonly paymentIntentId: string | null;
  readonly paymentMethod: string | null;
  readonly cardLast4: string | null;
  readonly created: Date;
  readonly balanceTransaction: BalanceTx | null;
}

export interface SubscriptionInfo {
  readonly id: string;
  readonly status: string;
  readonly customerId: string | null;
  readonly startDate: Date;
  readonly currentPeriodStart: Date | null;
  readonly scheduleId: string | null;
  readonly priceId: string | null;
}

/**
 * A monthly gift's payments from the next one on, written as the subscription schedule's phases:
 * the phase running now (kept, cut at the next payment or now), an optional pause (a phase with
 * no charges), then the payments still owed at the new amount and earmark.
 */
export interface GiftPlanRequest {
  readonly subscriptionId: string;
  readonly donationId: string;
  readonly amount: number;
  readonly currency: string;
  readonly earmark: string;
  /** Where the phase running now ends: at the next payment date, or now (resuming a pause at once). */
  readonly currentPhaseEnd: 'next_payment' | 'now';
  readonly pauseMonths: number;
  /** Payments still to take after the phase running now; null for a gift until cancelled. */
  readonly remaining: number | null;
  /** For a gift that ends with its campaign (remaining null): the schedule still ends then. */
  readonly endsAt?: Date | null;
  readonly idempotencyKey: string;
}

export interface GiftPlanState {
  readonly scheduleId: string;
  /** The first payment of the new plan. */
  readonly nextPaymentAt: Date;
}

/** What "my gifts" shows of a subscription, read from Stripe. */
export interface GiftSubscriptionState {
  readonly status: string;
  readonly nextPaymentAt: Date | null;
  readonly paidInvoices: number;
}

export interface ScheduleInfo {
  readonly id: string;
  readonly status: string;
  readonly phaseStart: Date;
  readonly phaseEnd: Date | null;
  readonly priceId: string;
  readonly endBehavior: string;
}

export interface RefundInfo {
  readonly id: string;
  readonly chargeId: string;
  readonly status: string;
  readonly created: Date;
  readonly balanceTransaction: BalanceTx | null;
}

export interface PayoutInfo {
  readonly id: string;
  readonly amount: number;
  readonly currency: string;
  readonly arrivalDate: Date;
  readonly status: string;
}

/** One balance transaction a payout paid out: a charge, refund, dispute, fee, adjustment… */
export interface PayoutBalanceTx {
  readonly id: string;
  readonly amount: number;
  readonly fee: number;
  readonly net: number;
  readonly currency: string;
  readonly type: string;
  readonly sourceId: string | null;
}

/** What Stripe says a payment intent was for: a Colecta donation, directly or through its invoice. */
export interface PaymentOrigin {
  readonly donationId: string | null;
  readonly subscriptionId: string | null;
}

export interface CheckoutSessionRequest {
  readonly donationId: string;
  readonly mode: 'payment' | 'subscription';
  readonly currency: string;
  readonly chargeAmount: number;
  readonly productName: string;
  readonly description: string;
  readonly customerEmail: string;
  readonly customerId: string | null;
  readonly locale: 'en' | 'es';
  readonly successUrl: string;
  readonly cancelUrl: string;
}

export interface CheckoutSessionCreated {
  readonly id: string;
  readonly url: string;
}

export interface VerifiedEvent {
  readonly id: string;
  readonly type: string;
  readonly created: Date;
  readonly livemode: boolean;
  readonly object: unknown;
  /** `data.previous_attributes` of a `*.updated` event: the changed fields' values before it. */
  readonly previousAttributes?: Readonly<Record<string, unknown>> | null;
}

/**
 * A Stripe-hosted page (Checkout in setup mode) where the supporter enters the card one monthly
 * gift is to be charged to; the gift's ids go on the session and its SetupIntent.
 */
export interface CardUpdateRequest {
  readonly donationId: string;
  readonly customerId: string;
  readonly subscriptionId: string;
  readonly currency: string;
  readonly locale: 'en' | 'es';
  readonly successUrl: string;
  readonly cancelUrl: string;
}

/** A card as the supporter knows it, never more than its brand and last four digits. */
export interface CardInfo {
  readonly brand: string | null;
  readonly last4: string | null;
}

export interface PaymentGateway {
  createCheckoutSession(request: CheckoutSessionRequest): Promise<CheckoutSessionCreated>;
  retrievePaymentIntentCharge(paymentIntentId: string): Promise<ChargeInfo | null>;
  retrieveBalanceTransaction(id: string): Promise<BalanceTx>;
  findInvoicePaymentIntent(invoiceId: string): Promise<string | null>;
  /** The donation id on the intent's metadata, else on the subscription of the invoice it paid. */
  findPaymentOrigin(paymentIntentId: string): Promise<PaymentOrigin>;
  retrieveSubscription(id: string): Promise<SubscriptionInfo>;
  createScheduleFromSubscription(subscriptionId: string): Promise<ScheduleInfo>;
  retrieveSchedule(id: string): Promise<ScheduleInfo>;
  endScheduleAfterMonths(schedule: ScheduleInfo, months: number): Promise<ScheduleInfo>;
  /** The schedule's one phase ends at `endsAt`, and the subscription is cancelled then. */
  endScheduleAt(schedule: ScheduleInfo, endsAt: Date): Promise<ScheduleInfo>;
  cancelSubscription(subscriptionId: string): Promise<void>;
  listRefunds(chargeId: string): Promise<RefundInfo[]>;
  /** A Stripe customer portal session where a supporter changes or cancels a monthly gift. */
  createPortalSession(customerId: string, returnUrl: string): Promise<{ readonly url: string }>;
  /** Rewrites a monthly gift's schedule (creating it when the gift has none). */
  setGiftPlan(request: GiftPlanRequest): Promise<GiftPlanState>;
  /** The subscription's status, its next payment date and how many of its invoices were paid. */
  readGiftSubscription(subscriptionId: string): Promise<GiftSubscriptionState>;
  /** Cancels a monthly gift at the supporter's (or staff's) request, now, from outside any transaction. */
  cancelGift(subscriptionId: string, idempotencyKey: string): Promise<void>;
  /** A Stripe-hosted page where the supporter replaces the card their monthly gift is charged to. */
  createCardUpdateSession(request: CardUpdateRequest): Promise<{ readonly url: string }>;
  /** The payment method a completed SetupIntent saved, if it succeeded. */
  retrieveSetupPaymentMethod(setupIntentId: string): Promise<string | null>;
  /** The card's brand and last four digits (null for a payment method that is not a card). */
  retrieveCard(paymentMethodId: string): Promise<CardInfo>;
  /** Makes the payment method the subscription's own default, which its invoices are charged to. */
  setSubscriptionPaymentMethod(subscriptionId: string, paymentMethodId: string, idempotencyKey: string): Promise<void>;
  /** Asks for a refund; the ledger records it when Stripe's event confirms it. */
  createRefund(chargeId: string, amount: number, idempotencyKey: string): Promise<RefundInfo>;
  retrievePayout(id: string): Promise<PayoutInfo>;
  /** Every balance transaction of an automatic payout, all pages. */
  listPayoutBalanceTransactions(payoutId: string): Promise<PayoutBalanceTx[]>;
  verifyEvent(rawBody: Buffer, signature: string | undefined): VerifiedEvent;
}

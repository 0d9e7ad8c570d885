import type { Knex } from 'knex';
import { queueSupporterEmail } from '../email/email-queue';
import type { LedgerEffects } from '../ledger/ledger-jobs';
import { recordPaymentFacts } from '../ledger/payment-recorder';
import type { Logger } from '../lib/logger';
import { skippedMonthsBefore } from '../gifts/gift-change-repository';
import type { ChargeInfo, PaymentGateway } from '../stripe/payment-types';
import { rememberStripeCustomer } from '../supporters/supporter-repository';
import {
  findDonation, findDonationIdBySubscription, lockDonation, updateDonation, type Donation, type DonationChanges,
} from './donation-repository';
import { advanceStatus } from './donation-status';
import { monthsBetween, requestInstallmentPlan } from './installment-plan';

/**
 * What every webhook handler is given: the event's transaction, its time, and where to leave
 * work for after commit. There is no Stripe gateway here on purpose: Stripe is read before the
 * transaction opens (a handler's `prepare`) and written after it commits (a ledger job).
 */
export interface EventContext {
  readonly tx: Knex;
  readonly logger: Logger;
  readonly eventCreated: Date;
  readonly effects: LedgerEffects;
}

/** What a handler's `prepare` may use: Stripe, and the database outside any transaction. */
export interface PrepareDeps {
  readonly gateway: PaymentGateway;
  readonly logger: Logger;
  readonly db: Knex;
}

export interface CompletedSession {
  readonly id: string;
  readonly donationId: string | null;
  readonly mode: 'payment' | 'subscription' | 'setup';
  readonly paymentStatus: 'paid' | 'unpaid' | 'no_payment_required';
  readonly amountTotal: number | null;
  readonly currency: string | null;
  readonly customerId: string | null;
  readonly paymentIntentId: string | null;
  readonly subscriptionId: string | null;
}

async function donationForSession(ctx: EventContext, session: CompletedSession): Promise<Donation | null> {
  if (!session.donationId) return null;
  const donation = await lockDonation(ctx.tx, session.donationId);
  if (!donation) {
    ctx.logger.warn({ checkoutSessionId: session.id }, 'checkout session names an unknown donation');
    return null;
  }
  if (donation.checkoutSessionId && donation.checkoutSessionId !== session.id) {
    ctx.logger.warn({ donationId: donation.id, checkoutSessionId: session.id }, 'checkout session is not the donation\'s own');
    return null;
  }
  if (session.amountTotal !== null && (session.amountTotal !== donation.chargeAmount || session.currency !== donation.currency)) {
    ctx.logger.warn({ donationId: donation.id, expected: donation.chargeAmount, got: session.amountTotal }, 'checkout total differs from the donation');
  }
  return donation;
}

/** Read before the transaction: the charge of a paid one-time checkout. */
export interface PreparedSession {
  readonly charge: ChargeInfo | null;
}

export async function prepareSession(deps: PrepareDeps, session: CompletedSession, settles: boolean): Promise<PreparedSession> {
  const pays = session.mode === 'payment' && session.paymentIntentId && (settles || session.paymentStatus === 'paid');
  return { charge: pays && session.paymentIntentId ? await deps.gateway.retrievePaymentIntentCharge(session.paymentIntentId) : null };
}

/** `ids`: the Stripe ids the event links to the donation, written in the status's own update. */
async function settleOneTimePayment(
  ctx: EventContext, donation: Donation, paymentIntentId: string, prepared: PreparedSession, ids: DonationChanges = {},
): Promise<void> {
  await advanceStatus(ctx.tx, donation, 'paid', ctx.eventCreated, { ...ids, paymentIntentId });
  await recordPaymentFacts(ctx, { paymentIntentId, donationId: donation.id, donation, installment: 1, charge: prepared.charge });
}

export async function onCheckoutCompleted(ctx: EventContext, session: CompletedSession, prepared: PreparedSession): Promise<void> {
  const donation = await donationForSession(ctx, session);
  if (!donation) return;
  // The ids the session carries go into the one update of the locked row that sets its status.
  const ids: DonationChanges = {
    checkoutSessionId: donation.checkoutSessionId ? undefined : session.id,
    customerId: session.customerId ?? undefined,
  };
  if (session.customerId) await rememberStripeCustomer(ctx.tx, donation.supporterId, session.customerId);

  if (session.mode === 'subscription' && session.subscriptionId) {
    await advanceStatus(ctx.tx, donation, 'active', ctx.eventCreated, { ...ids, subscriptionId: session.subscriptionId });
    await requestInstallmentPlan(ctx.tx, ctx.effects, donation, session.subscriptionId);
    await queueSupporterEmail(ctx.tx, {
      dedupeKey: `monthly_started:${donation.id}`, template: 'monthly_started', supporterId: donation.supporterId, donationId: donation.id,
    });
    return; // the payment itself is recorded from invoice.paid
  }
  if (session.mode === 'payment' && session.paymentIntentId) {
    if (session.paymentStatus === 'paid') await settleOneTimePayment(ctx, donation, session.paymentIntentId, prepared, ids);
    else await advanceStatus(ctx.tx, donation, 'processing', ctx.eventCreated, ids);
    return;
  }
  await updateDonation(ctx.tx, donation.id, ids);
}

export async function onAsyncPaymentSucceeded(ctx: EventContext, session: CompletedSession, prepared: PreparedSession): Promise<void> {
  const donation = await donationForSession(ctx, session);
  if (donation && session.paymentIntentId) await settleOneTimePayment(ctx, donation, session.paymentIntentId, prepared);
}

export async function onCheckoutEndedUnpaid(ctx: EventContext, session: CompletedSession, status: 'failed' | 'expired'): Promise<void> {
  const donation = await donationForSession(ctx, session);
  if (donation) await advanceStatus(ctx.tx, donation, status, ctx.eventCreated);
}

export interface PaidInvoice {
  readonly id: string;
  readonly subscriptionId: string | null;
  readonly donationId: string | null;
  readonly billingReason: string | null;
  readonly periodStart: Date | null;
  readonly amountPaid: number;
}

/** With `link: false` the caller writes the subscription id itself, in its own update of the row. */
async function donationForSubscription(
  ctx: EventContext, subscriptionId: string | null, donationId: string | null, link = true,
): Promise<Donation | null> {
  const id = donationId ?? (subscriptionId ? await findDonationIdBySubscription(ctx.tx, subscriptionId) : null);
  if (!id) return null;
  const donation = await lockDonation(ctx.tx, id);
  if (link && donation && subscriptionId && !donation.subscriptionId) {
    await updateDonation(ctx.tx, id, { subscriptionId });
  }
  return donation;
}

/** Read before the transaction: the invoice's payment, its charge, and (for a renewal whose
 * donation has no billing anchor yet) the subscription's start, to count the installment. */
export interface PreparedInvoice {
  readonly paymentIntentId: string | null;
  readonly charge: ChargeInfo | null;
  readonly subscriptionStart: Date | null;
}

const isRenewal = (invoice: PaidInvoice) =>
  invoice.billingReason !== 'subscription_create' && Boolean(invoice.periodStart) && Boolean(invoice.subscriptionId);

export async function prepareInvoice(deps: PrepareDeps, invoice: PaidInvoice): Promise<PreparedInvoice> {
  if (invoice.amountPaid <= 0) return { paymentIntentId: null, charge: null, subscriptionStart: null };
  const paymentIntentId = await deps.gateway.findInvoicePaymentIntent(invoice.id);
  const charge = paymentIntentId ? await deps.gateway.retrievePaymentIntentCharge(paymentIntentId) : null;
  let subscriptionStart: Date | null = null;
  if (paymentIntentId && isRenewal(invoice) && invoice.subscriptionId) {
    const id = invoice.donationId ?? (await findDonationIdBySubscription(deps.db, invoice.subscriptionId));
    const donation = id ? await findDonation(deps.db, id) : null;
    subscriptionStart = donation?.billingAnchor ?? (await deps.gateway.retrieveSubscription(invoice.subscriptionId)).startDate;
  }
  return { paymentIntentId, charge, subscriptionStart };
}

async function installmentOf(ctx: EventContext, donation: Donation, invoice: PaidInvoice, prepared: PreparedInvoice): Promise<number> {
  if (!isRenewal(invoice) || !invoice.periodStart) return 1;
  let anchor = donation.billingAnchor;
  if (!anchor) {
    anchor = prepared.subscriptionStart;
    if (!anchor) throw new Error(`invoice ${invoice.id}: the subscription's start was not read before the transaction`);
    await updateDonation(ctx.tx, donation.id, { billingAnchor: anchor });
  }
  // A pause moves the later payments by the months it skipped; they keep their numbers.
  return monthsBetween(anchor, invoice.periodStart) + 1 - await skippedMonthsBefore(ctx.tx, donation.id, invoice.periodStart);
}

export async function onInvoicePaid(ctx: EventContext, invoice: PaidInvoice, prepared: PreparedInvoice): Promise<void> {
  const donation = await donationForSubscription(ctx, invoice.subscriptionId, invoice.donationId, false);
  if (!donation) {
    ctx.logger.info({ invoiceId: invoice.id }, 'invoice is not for a Colecta donation');
    return;
  }
  const link = invoice.subscriptionId && !donation.subscriptionId ? { subscriptionId: invoice.subscriptionId } : {};
  await advanceStatus(ctx.tx, donation, 'active', ctx.eventCreated, link);
  if (invoice.subscriptionId) await requestInstallmentPlan(ctx.tx, ctx.effects, donation, invoice.subscriptionId);
  if (invoice.amountPaid > 0) {
    if (prepared.paymentIntentId) {
      const installment = await installmentOf(ctx, donation, invoice, prepared);
      await recordPaymentFacts(ctx, {
        paymentIntentId: prepared.paymentIntentId, donationId: donation.id, donation, invoiceId: invoice.id, installment, charge: prepared.charge,
      });
    } else {
      ctx.logger.warn({ invoiceId: invoice.id }, 'paid invoice has no payment intent');
    }
  }
}

export async function onInvoicePaymentFailed(ctx: EventContext, invoice: PaidInvoice): Promise<void> {
  const donation = await donationForSubscription(ctx, invoice.subscriptionId, invoice.donationId);
  if (!donation) return;
  await advanceStatus(ctx.tx, donation, 'failing', ctx.eventCreated);
  // Stripe retries a failed invoice and says so each time; one message per invoice is enough.
  await queueSupporterEmail(ctx.tx, {
    dedupeKey: `payment_failed:${invoice.id}`, template: 'payment_failed', supporterId: donation.supporterId,
    donationId: donation.id, data: { invoiceId: invoice.id },
  });
}

export interface SubscriptionChange {
  readonly id: string;
  readonly donationId: string | null;
  readonly status: string;
  readonly startDate: Date;
  readonly endedAt: Date | null;
}

export async function onSubscriptionUpdated(ctx: EventContext, sub: SubscriptionChange): Promise<void> {
  const donation = await donationForSubscription(ctx, sub.id, sub.donationId);
  if (!donation) return;
  const next = sub.status === 'active' || sub.status === 'trialing' ? 'active'
    : sub.status === 'past_due' || sub.status === 'unpaid' ? 'failing' : null;
  if (next) await advanceStatus(ctx.tx, donation, next, ctx.eventCreated);
  if (next === 'active') await requestInstallmentPlan(ctx.tx, ctx.effects, donation, sub.id);
}

export async function onSubscriptionDeleted(ctx: EventContext, sub: SubscriptionChange): Promise<void> {
  const donation = await donationForSubscription(ctx, sub.id, sub.donationId);
  if (!donation) return;
  const endedAt = sub.endedAt ?? ctx.eventCreated;
  // A gift that ends with its campaign ran its course when its schedule ended at the end date.
  const ranItsCourse = donation.installments != null
    ? monthsBetween(sub.startDate, endedAt) - await skippedMonthsBefore(ctx.tx, donation.id, endedAt) >= donation.installments
    : donation.endsWith === 'campaign_end' && donation.campaignEndsAt != null && endedAt.getTime() >= donation.campaignEndsAt.getTime() - 60_000;
  await updateDonation(ctx.tx, donation.id, { endedAt });
  await advanceStatus(ctx.tx, donation, ranItsCourse ? 'completed' : 'cancelled', ctx.eventCreated);
  if (ranItsCourse) {
    await queueSupporterEmail(ctx.tx, {
      dedupeKey: `monthly_completed:${donation.id}`, template: 'monthly_completed', supporterId: donation.supporterId, donationId: donation.id,
    });
  }
}

import type { Knex } from 'knex';
import { findCampaignBySlug } from '../campaigns/campaign-repository';
import { monthsBetween } from '../donations/installment-plan';
import { queueSupporterEmail } from '../email/email-queue';
import { grossUpForFees, toDecimalString } from '../lib/money';
import type { Logger } from '../lib/logger';
import { writeAudit, type AuditActor } from '../staff/audit-log';
import type { PaymentGateway } from '../stripe/payment-types';
import { insertGiftChange, openPause, setSkippedMonths, type GiftChangeKind } from './gift-change-repository';
import { assertChangeable, findManagedGift, GiftRefusal, type GiftActor, type ManagedGift } from './managed-gift';

export interface GiftChangeDeps {
  readonly db: Knex;
  readonly gateway: PaymentGateway;
  readonly logger: Logger;
  readonly now?: () => Date;
}

const auditActor = (actor: GiftActor): AuditActor => actor.kind === 'staff'
  ? actor.principal : { label: `supporter ${actor.email.toLowerCase()}`, userId: null, tokenId: null };

interface Recorded {
  readonly kind: GiftChangeKind;
  readonly before: Record<string, unknown>;
  readonly after: Record<string, unknown>;
  readonly donation?: Record<string, unknown>;
  readonly skipFrom?: Date;
  readonly skipMonths?: number;
  readonly resumedPause?: { id: number; months: number };
  readonly mail?: boolean;
}

/**
 * A key per gift and change number: a form sent twice asks Stripe once, and records once. A new
 * card confirmed by Stripe's webhook (its row names the payment method) is not counted: it may
 * land while a form is in flight, and must not make that form's change look like a repeat.
 */
async function changeNumber(db: Knex, donationId: string): Promise<number> {
  const row = await db('gift_changes').where({ donation_id: donationId })
    .whereRaw("(kind <> 'card' or after->>'paymentMethod' is null)").count<{ n: number | string }>('* as n').first();
  return Number(row?.n ?? 0);
}

/**
 * Records what Stripe already did, in one transaction: the change, the donation's new state, the
 * audit entry and the confirmation email. If another change was recorded since this one was
 * read (the same form sent twice), nothing is written again.
 */
async function record(deps: GiftChangeDeps, actor: GiftActor, gift: ManagedGift, seen: number, change: Recorded): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    await findManagedGift(tx, actor, gift.id, true);
    if ((await changeNumber(tx, gift.id)) !== seen) return false;
    const id = await insertGiftChange(tx, {
      donationId: gift.id, organizationId: gift.organizationId, kind: change.kind,
      actorKind: actor.kind, actorLabel: auditActor(actor).label, before: change.before, after: change.after,
      skipFrom: change.skipFrom ?? null, skipMonths: change.skipMonths ?? null,
    });
    if (change.resumedPause) await setSkippedMonths(tx, change.resumedPause.id, change.resumedPause.months);
    if (change.donation) await tx('donations').where({ id: gift.id }).update(change.donation);
    await writeAudit(tx, auditActor(actor), {
      action: `gift.${change.kind}`, entityType: 'donation', entityId: gift.id, organizationId: gift.organizationId,
      before: change.before, after: change.after,
    });
    if (change.mail !== false) {
      await queueSupporterEmail(tx, {
        dedupeKey: `gift_change:${id}`, template: 'gift_changed', supporterId: gift.supporterId, donationId: gift.id,
        data: { changeId: id }, ...(actor.kind === 'supporter' ? { locale: actor.locale } : {}),
      });
    }
    deps.logger.info({ donationId: gift.id, kind: change.kind, actor: actor.kind }, 'gift changed');
    return true;
  });
}

/** What the plan keeps whatever changes: the payments still owed and a pause not yet begun. */
async function currentPlan(deps: GiftChangeDeps, gift: ManagedGift & { subscriptionId: string }) {
  const state = await deps.gateway.readGiftSubscription(gift.subscriptionId);
  const remaining = gift.installments == null ? null : gift.installments - state.paidInvoices;
  if (remaining !== null && remaining <= 0) throw new GiftRefusal('gift', 'gifts.error.lastPayment');
  const pause = await openPause(deps.db, gift.id);
  const now = deps.now?.() ?? new Date();
  const pauseAhead = pause && gift.pausedUntil && now < pause.skipFrom ? pause.skipMonths : 0;
  return { state, remaining, pause: gift.pausedUntil && gift.pausedUntil > now ? pause : null, pauseAhead, now };
}

async function load(deps: GiftChangeDeps, actor: GiftActor, donationId: string) {
  const gift = await findManagedGift(deps.db, actor, donationId);
  assertChangeable(gift);
  return { gift, seen: await changeNumber(deps.db, gift.id) };
}

export async function changeAmount(deps: GiftChangeDeps, actor: GiftActor, donationId: string, amount: number): Promise<void> {
  const { gift, seen } = await load(deps, actor, donationId);
  const campaign = await findCampaignBySlug(deps.db, gift.campaignSlug);
  if (!campaign) throw new Error(`campaign ${gift.campaignSlug} is gone`);
  if (!Number.isSafeInteger(amount) || amount < campaign.minAmount || amount > campaign.maxAmount) {
    throw new GiftRefusal('amount', 'gifts.error.amountRange', {
      min: toDecimalString(campaign.minAmount, gift.currency), max: toDecimalString(campaign.maxAmount, gift.currency),
      currency: gift.currency.toUpperCase(),
    });
  }
  const chargeAmount = gift.coverFees ? grossUpForFees(amount, campaign.feeRule) : amount;
  const plan = await currentPlan(deps, gift);
  const result = await deps.gateway.setGiftPlan({
    subscriptionId: gift.subscriptionId, donationId: gift.id, amount: chargeAmount, currency: gift.currency, earmark: gift.earmarkCode,
    currentPhaseEnd: 'next_payment', pauseMonths: plan.pauseAhead, remaining: plan.remaining, endsAt: gift.endsAt,
    idempotencyKey: `gift-${gift.id}-change-${seen + 1}`,
  });
  await record(deps, actor, gift, seen, {
    kind: 'amount', before: { amount: gift.amount, chargeAmount: gift.chargeAmount },
    after: { amount, chargeAmount, from: (plan.pauseAhead ? plan.state.nextPaymentAt : result.nextPaymentAt)?.toISOString() ?? null },
    donation: { amount, charge_amount: chargeAmount, stripe_schedule_id: result.scheduleId },
  });
}

export async function changeEarmark(deps: GiftChangeDeps, actor: GiftActor, donationId: string, code: string): Promise<void> {
  const { gift, seen } = await load(deps, actor, donationId);
  const campaign = await findCampaignBySlug(deps.db, gift.campaignSlug);
  const earmark = campaign?.earmarks.find((e) => e.code === code);
  if (!earmark) throw new GiftRefusal('earmark', 'gifts.error.earmark');
  if (earmark.code === gift.earmarkCode) return;
  const plan = await currentPlan(deps, gift);
  const result = await deps.gateway.setGiftPlan({
    subscriptionId: gift.subscriptionId, donationId: gift.id, amount: gift.chargeAmount, currency: gift.currency, earmark: earmark.code,
    currentPhaseEnd: 'next_payment', pauseMonths: plan.pauseAhead, remaining: plan.remaining, endsAt: gift.endsAt,
    idempotencyKey: `gift-${gift.id}-change-${seen + 1}`,
  });
  await record(deps, actor, gift, seen, {
    kind: 'earmark', before: { earmark: gift.earmarkCode }, after: { earmark: earmark.code },
    donation: { earmark_id: earmark.id, stripe_schedule_id: result.scheduleId },
  });
}

export async function pauseGift(deps: GiftChangeDeps, actor: GiftActor, donationId: string, months: number): Promise<void> {
  const { gift, seen } = await load(deps, actor, donationId);
  if (!Number.isInteger(months) || months < 1 || months > 3) throw new GiftRefusal('months', 'gifts.error.pauseMonths');
  const plan = await currentPlan(deps, gift);
  if (plan.pause) throw new GiftRefusal('months', 'gifts.error.alreadyPaused');
  const skipFrom = plan.state.nextPaymentAt;
  if (!skipFrom) throw new GiftRefusal('gift', 'gifts.error.ended');
  const result = await deps.gateway.setGiftPlan({
    subscriptionId: gift.subscriptionId, donationId: gift.id, amount: gift.chargeAmount, currency: gift.currency, earmark: gift.earmarkCode,
    currentPhaseEnd: 'next_payment', pauseMonths: months, remaining: plan.remaining, endsAt: gift.endsAt,
    idempotencyKey: `gift-${gift.id}-change-${seen + 1}`,
  });
  await record(deps, actor, gift, seen, {
    kind: 'pause', before: { nextPayment: skipFrom.toISOString() }, after: { months, nextPayment: result.nextPaymentAt.toISOString() },
    donation: { paused_until: result.nextPaymentAt, stripe_schedule_id: result.scheduleId }, skipFrom, skipMonths: months,
  });
}

export async function resumeGift(deps: GiftChangeDeps, actor: GiftActor, donationId: string): Promise<void> {
  const { gift, seen } = await load(deps, actor, donationId);
  const plan = await currentPlan(deps, gift);
  if (!plan.pause) throw new GiftRefusal('gift', 'gifts.error.notPaused');
  // A pause not yet begun is simply dropped; one under way ends now and the next payment is today.
  const started = plan.now >= plan.pause.skipFrom;
  const skipped = started ? monthsBetween(plan.pause.skipFrom, plan.now) : 0;
  const result = await deps.gateway.setGiftPlan({
    subscriptionId: gift.subscriptionId, donationId: gift.id, amount: gift.chargeAmount, currency: gift.currency, earmark: gift.earmarkCode,
    currentPhaseEnd: started ? 'now' : 'next_payment', pauseMonths: 0, remaining: plan.remaining, endsAt: gift.endsAt,
    idempotencyKey: `gift-${gift.id}-change-${seen + 1}`,
  });
  await record(deps, actor, gift, seen, {
    kind: 'resume', before: { pausedUntil: gift.pausedUntil?.toISOString() ?? null }, after: { nextPayment: result.nextPaymentAt.toISOString() },
    donation: { paused_until: null, stripe_schedule_id: result.scheduleId }, resumedPause: { id: plan.pause.id, months: skipped },
  });
}

export async function cancelGift(deps: GiftChangeDeps, actor: GiftActor, donationId: string): Promise<void> {
  const { gift, seen } = await load(deps, actor, donationId);
  await deps.gateway.cancelGift(gift.subscriptionId, `gift-${gift.id}-cancel`);
  const now = deps.now?.() ?? new Date();
  await record(deps, actor, gift, seen, {
    kind: 'cancel', before: { status: gift.status }, after: { status: 'cancelled' },
    donation: { status: 'cancelled', status_changed_at: now, ended_at: now, paused_until: null },
  });
}

/**
 * The address of Stripe's page for a new card; the schedule is left as it is. Opening the page
 * is recorded (with the page's language, which the confirmation is then written in); the new
 * card itself is recorded when Stripe says the subscription charges it (card-update.ts).
 */
export async function startCardUpdate(
  deps: GiftChangeDeps, actor: GiftActor, donationId: string, pages: { readonly successUrl: string; readonly cancelUrl: string }, locale: 'en' | 'es',
): Promise<string> {
  const { gift, seen } = await load(deps, actor, donationId);
  if (!gift.customerId) throw new GiftRefusal('gift', 'gifts.error.notMonthly');
  const { url } = await deps.gateway.createCardUpdateSession({
    donationId: gift.id, customerId: gift.customerId, subscriptionId: gift.subscriptionId, currency: gift.currency, locale, ...pages,
  });
  await record(deps, actor, gift, seen, { kind: 'card', before: {}, after: { page: 'stripe', locale }, mail: false });
  return url;
}

import type { Knex } from 'knex';
import { findDonationIdBySubscription } from '../donations/donation-repository';
import type { EventContext, PrepareDeps } from '../donations/donation-events';
import { queueSupporterEmail } from '../email/email-queue';
import { recordJob, type JobDeps } from '../ledger/ledger-jobs';
import { writeAudit } from '../staff/audit-log';
import type { CardInfo } from '../stripe/payment-types';
import { insertGiftChange } from './gift-change-repository';
import { jsonColumn } from '../db/json-column';

/**
 * A monthly gift's new card, in three steps, none of which calls Stripe inside a transaction:
 * 1. checkout.session.completed (setup mode): the card is saved; a job is recorded to make it the
 *    subscription's default payment method.
 * 2. the job, after commit: Stripe's subscription update, with only default_payment_method.
 * 3. customer.subscription.updated naming the old card in previous_attributes: Stripe says the
 *    subscription now charges the new one; the change is recorded, audited and confirmed by email.
 */

const LIVE = new Set(['active', 'failing']);

export interface CardSession {
  readonly id: string;
  readonly donationId: string | null;
  readonly subscriptionId: string | null;
  readonly customerId: string | null;
  readonly setupIntentId: string | null;
}

interface CardGift {
  readonly id: string;
  readonly organizationId: string;
  readonly supporterId: string;
  readonly email: string;
  readonly customerId: string | null;
  readonly subscriptionId: string | null;
  readonly status: string;
}

async function lockGift(tx: Knex, donationId: string): Promise<CardGift | null> {
  const r = await tx('donations as d').join('supporters as s', 's.id', 'd.supporter_id').join('campaigns as c', 'c.id', 'd.campaign_id')
    .where('d.id', donationId).forUpdate('d')
    .first('d.id', 'c.organization_id', 'd.supporter_id', 's.email', 'd.stripe_customer_id', 'd.stripe_subscription_id', 'd.status');
  return r ? {
    id: String(r.id), organizationId: String(r.organization_id), supporterId: String(r.supporter_id), email: String(r.email).toLowerCase(),
    customerId: r.stripe_customer_id ?? null, subscriptionId: r.stripe_subscription_id ?? null, status: String(r.status),
  } : null;
}

/** Read before the transaction: the card the setup saved. */
export async function prepareCardSession(deps: PrepareDeps, session: CardSession): Promise<{ paymentMethodId: string | null }> {
  return { paymentMethodId: session.setupIntentId ? await deps.gateway.retrieveSetupPaymentMethod(session.setupIntentId) : null };
}

export async function onCardCollected(ctx: EventContext, session: CardSession, prepared: { paymentMethodId: string | null }): Promise<void> {
  if (!session.donationId || !session.setupIntentId || !prepared.paymentMethodId) {
    ctx.logger.warn({ checkoutSessionId: session.id }, 'card update session without a saved card');
    return;
  }
  const gift = await lockGift(ctx.tx, session.donationId);
  // The session must be about this very gift: its subscription, its customer.
  if (!gift || !gift.subscriptionId || gift.subscriptionId !== session.subscriptionId || gift.customerId !== session.customerId) {
    ctx.logger.warn({ checkoutSessionId: session.id, donationId: session.donationId }, 'card update session is not the gift\'s own');
    return;
  }
  if (!LIVE.has(gift.status)) {
    ctx.logger.info({ donationId: gift.id }, 'the gift ended before its new card was saved');
    return;
  }
  await recordJob(ctx.tx, ctx.effects, 'card_update', {
    donationId: gift.id, subscriptionId: gift.subscriptionId, paymentMethodId: prepared.paymentMethodId, setupIntentId: session.setupIntentId,
  }, `card_update:${session.setupIntentId}`);
}

/** The job: the saved card becomes the subscription's own default; the schedule is not touched. */
export async function applyCardUpdate(
  deps: JobDeps, job: { donationId: string; subscriptionId: string; paymentMethodId: string; setupIntentId: string },
): Promise<void> {
  if (!deps.gateway) throw new Error('card updates need the payment gateway');
  const d = await deps.db('donations').where({ id: job.donationId }).first('status', 'stripe_subscription_id');
  if (!d || d.stripe_subscription_id !== job.subscriptionId || !LIVE.has(String(d.status))) return;
  await deps.gateway.setSubscriptionPaymentMethod(job.subscriptionId, job.paymentMethodId, `card-${job.setupIntentId}`);
  deps.logger?.info({ donationId: job.donationId, subscriptionId: job.subscriptionId }, 'subscription card set');
}

export interface CardChange {
  readonly from: string;
  readonly to: string;
  readonly card: CardInfo;
}

/**
 * Read before the transaction, only when Stripe says the subscription's default payment method
 * changed from one card to another (`from` is its previous_attributes value): the new card's brand
 * and last four digits. The first card a subscription gets (from none, as Checkout may set it when
 * the gift starts) is not a change.
 */
export async function prepareCardChange(deps: PrepareDeps, from: string | null, to: string | null): Promise<CardChange | null> {
  if (!from || !to || from === to) return null;
  return { from, to, card: await deps.gateway.retrieveCard(to) };
}

/** The language the supporter last used to start a card update, if they did. */
async function cardPageLocale(tx: Knex, donationId: string): Promise<'en' | 'es' | null> {
  const row = await tx('gift_changes').where({ donation_id: donationId, kind: 'card', actor_kind: 'supporter' })
    .whereRaw("after->>'page' = 'stripe'").orderBy('id', 'desc').first('after');
  const after = jsonColumn<{ locale?: unknown } | undefined>(row?.after);
  return after?.locale === 'es' || after?.locale === 'en' ? after.locale : null;
}

export async function onCardChanged(
  ctx: EventContext, subscriptionId: string, donationId: string | null, change: CardChange | null,
): Promise<void> {
  if (!change) return;
  const id = donationId ?? (await findDonationIdBySubscription(ctx.tx, subscriptionId));
  const gift = id ? await lockGift(ctx.tx, id) : null;
  if (!gift || gift.subscriptionId !== subscriptionId) return;
  // Exactly once per new card, whichever event (or replay) says so.
  const known = await ctx.tx('gift_changes').where({ donation_id: gift.id, kind: 'card' })
    .whereRaw("after->>'paymentMethod' = ?", [change.to]).first('id');
  if (known) return;
  const actor = { label: `supporter ${gift.email}`, userId: null, tokenId: null };
  const before = { paymentMethod: change.from };
  const after = { paymentMethod: change.to, brand: change.card.brand, last4: change.card.last4 };
  const changeId = await insertGiftChange(ctx.tx, {
    donationId: gift.id, organizationId: gift.organizationId, kind: 'card', actorKind: 'supporter', actorLabel: actor.label, before, after,
  });
  await writeAudit(ctx.tx, actor, {
    action: 'gift.card', entityType: 'donation', entityId: gift.id, organizationId: gift.organizationId, before, after,
  });
  const locale = await cardPageLocale(ctx.tx, gift.id);
  await queueSupporterEmail(ctx.tx, {
    dedupeKey: `card_changed:${gift.id}:${change.to}`, template: 'gift_changed', supporterId: gift.supporterId, donationId: gift.id,
    data: { changeId }, ...(locale ? { locale } : {}),
  });
  ctx.logger.info({ donationId: gift.id, kind: 'card' }, 'gift card changed');
}

import { z } from 'zod';
import {
  onAsyncPaymentSucceeded, onCheckoutCompleted, onCheckoutEndedUnpaid, prepareSession, type CompletedSession, type PreparedSession,
} from '../src/donations/donation-events';
import { onCardCollected, prepareCardSession, type CardSession } from '../src/gifts/card-update';
import { donationIdFrom, metadata, stripeId } from './stripe-shapes';
import { withPrepare, type WebhookHandlers } from './webhook-types';

const sessionSchema = z
  .object({
    id: z.string().startsWith('cs_'),
    mode: z.enum(['payment', 'subscription', 'setup']),
    payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
    amount_total: z.number().int().nullable(),
    currency: z.string().nullable(),
    customer: stripeId.nullable(),
    payment_intent: stripeId.nullable(),
    subscription: stripeId.nullable(),
    client_reference_id: z.string().nullable(),
    metadata,
  })
  .transform((s): CompletedSession => ({
    id: s.id,
    donationId: donationIdFrom(s.metadata, s.client_reference_id),
    mode: s.mode,
    paymentStatus: s.payment_status,
    amountTotal: s.amount_total,
    currency: s.currency,
    customerId: s.customer,
    paymentIntentId: s.payment_intent,
    subscriptionId: s.subscription,
  }));

// A setup-mode session is a supporter's new card for a monthly gift ("my gifts"), never a gift.
const cardSessionSchema = z
  .object({ id: z.string().startsWith('cs_'), mode: z.literal('setup'), customer: stripeId.nullable(), setup_intent: stripeId.nullable(), metadata })
  .transform((s): CardSession => ({
    id: s.id, donationId: donationIdFrom(s.metadata), subscriptionId: s.metadata.subscription_id ?? null,
    customerId: s.customer, setupIntentId: s.setup_intent,
  }));

const isSetup = (object: unknown): boolean => (object as { mode?: unknown } | null)?.mode === 'setup';

export const checkoutSessionHandlers: WebhookHandlers = {
  'checkout.session.completed': withPrepare(
    async (deps, object): Promise<{ card: { paymentMethodId: string | null } } | { gift: PreparedSession }> => (isSetup(object)
      ? { card: await prepareCardSession(deps, cardSessionSchema.parse(object)) }
      : { gift: await prepareSession(deps, sessionSchema.parse(object), false) }),
    (ctx, object, prepared) => ('card' in prepared
      ? onCardCollected(ctx, cardSessionSchema.parse(object), prepared.card)
      : onCheckoutCompleted(ctx, sessionSchema.parse(object), prepared.gift)),
  ),
  'checkout.session.async_payment_succeeded': withPrepare(
    (deps, object) => prepareSession(deps, sessionSchema.parse(object), true),
    (ctx, object, prepared) => onAsyncPaymentSucceeded(ctx, sessionSchema.parse(object), prepared),
  ),
  'checkout.session.async_payment_failed': (ctx, object) => onCheckoutEndedUnpaid(ctx, sessionSchema.parse(object), 'failed'),
  'checkout.session.expired': async (ctx, object) => {
    if (!isSetup(object)) await onCheckoutEndedUnpaid(ctx, sessionSchema.parse(object), 'expired');
  },
};

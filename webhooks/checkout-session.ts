import { z } from 'zod';
import {
  onAsyncPaymentSucceeded, onCheckoutCompleted, onCheckoutEndedUnpaid, prepareSession, type CompletedSession,
} from '../src/donations/donation-events';
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

export const checkoutSessionHandlers: WebhookHandlers = {
  'checkout.session.completed': withPrepare(
    (deps, object) => prepareSession(deps, sessionSchema.parse(object), false),
    (ctx, object, prepared) => onCheckoutCompleted(ctx, sessionSchema.parse(object), prepared),
  ),
  'checkout.session.async_payment_succeeded': withPrepare(
    (deps, object) => prepareSession(deps, sessionSchema.parse(object), true),
    (ctx, object, prepared) => onAsyncPaymentSucceeded(ctx, sessionSchema.parse(object), prepared),
  ),
  'checkout.session.async_payment_failed': (ctx, object) => onCheckoutEndedUnpaid(ctx, sessionSchema.parse(object), 'failed'),
  'checkout.session.expired': (ctx, object) => onCheckoutEndedUnpaid(ctx, sessionSchema.parse(object), 'expired'),
};

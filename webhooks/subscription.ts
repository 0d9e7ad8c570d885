import { z } from 'zod';
import { onSubscriptionDeleted, onSubscriptionUpdated, type SubscriptionChange } from '../src/donations/donation-events';
import { onCardChanged, prepareCardChange } from '../src/gifts/card-update';
import { donationIdFrom, metadata, stripeId, timestamp } from './stripe-shapes';
import { withPrepare, type PreviousAttributes, type WebhookHandlers } from './webhook-types';

const subscriptionSchema = z
  .object({
    id: z.string().startsWith('sub_'),
    status: z.string(),
    start_date: timestamp,
    ended_at: timestamp.nullable(),
    metadata,
  })
  .transform((s): SubscriptionChange => ({
    id: s.id, donationId: donationIdFrom(s.metadata), status: s.status, startDate: s.start_date, endedAt: s.ended_at,
  }));

const paymentMethodOf = z.object({ default_payment_method: stripeId.nullable() }).loose();

/** The subscription's card before and after the event: a change only when previous_attributes names it. */
function cardMove(object: unknown, previous: PreviousAttributes): { from: string | null; to: string | null } {
  if (!previous || !('default_payment_method' in previous)) return { from: null, to: null };
  const before = stripeId.nullable().safeParse(previous.default_payment_method);
  return { from: before.success ? before.data : null, to: paymentMethodOf.parse(object).default_payment_method };
}

export const subscriptionHandlers: WebhookHandlers = {
  'customer.subscription.updated': withPrepare(
    (deps, object, previous) => {
      const { from, to } = cardMove(object, previous);
      return prepareCardChange(deps, from, to);
    },
    async (ctx, object, cardChange) => {
      const sub = subscriptionSchema.parse(object);
      await onSubscriptionUpdated(ctx, sub);
      await onCardChanged(ctx, sub.id, sub.donationId, cardChange);
    },
  ),
  'customer.subscription.deleted': (ctx, object) => onSubscriptionDeleted(ctx, subscriptionSchema.parse(object)),
};

import { z } from 'zod';
import { onSubscriptionDeleted, onSubscriptionUpdated, type SubscriptionChange } from '../src/donations/donation-events';
import { donationIdFrom, metadata, timestamp } from './stripe-shapes';
import type { WebhookHandlers } from './webhook-types';

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

export const subscriptionHandlers: WebhookHandlers = {
  'customer.subscription.updated': (ctx, object) => onSubscriptionUpdated(ctx, subscriptionSchema.parse(object)),
  'customer.subscription.deleted': (ctx, object) => onSubscriptionDeleted(ctx, subscriptionSchema.parse(object)),
};

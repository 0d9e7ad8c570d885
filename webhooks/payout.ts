import { z } from 'zod';
import { fetchPayout, recordPayout, type FetchedPayout } from '../src/exports/payout-reconciliation';
import type { PayoutInfo } from '../src/stripe/payment-types';
import { timestamp } from './stripe-shapes';
import { withPrepare, type WebhookHandlers } from './webhook-types';

const payoutSchema = z
  .object({
    id: z.string().startsWith('po_'),
    amount: z.number().int(),
    currency: z.string().regex(/^[a-z]{3}$/),
    arrival_date: timestamp,
    status: z.string(),
  })
  .transform((p): PayoutInfo => ({ id: p.id, amount: p.amount, currency: p.currency, arrivalDate: p.arrival_date, status: p.status }));

// A payout can hold thousands of balance transactions, many pages of them: they are read in
// `prepare`, before the event's transaction opens, so no lock waits on Stripe.
const payoutPaid = withPrepare(
  (deps, object) => fetchPayout(deps.gateway, payoutSchema.parse(object).id, payoutSchema.parse(object)),
  (ctx, _object, fetched: FetchedPayout) => recordPayout(ctx.tx, ctx.logger, fetched),
);

export const payoutHandlers: WebhookHandlers = {
  'payout.paid': payoutPaid,
};

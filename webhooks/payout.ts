import { z } from 'zod';
import { fetchPayout, recordPayout, type FetchedPayout } from '../src/exports/payout-reconciliation';
import { timestamp } from './stripe-shapes';
import type { WebhookHandler, WebhookHandlers } from './webhook-types';

const payoutSchema = z.object({
  id: z.string().startsWith('po_'),
  amount: z.number().int(),
  currency: z.string().regex(/^[a-z]{3}$/),
  arrival_date: timestamp,
  status: z.string(),
});

const parsePayout = (object: unknown) => {
  const p = payoutSchema.parse(object);
  return { id: p.id, amount: p.amount, currency: p.currency, arrivalDate: p.arrival_date, status: p.status };
};

// Listing the payout's balance transactions can take many pages: done before the transaction.
const payoutPaid: WebhookHandler = Object.assign(
  async (ctx: Parameters<WebhookHandler>[0], object: unknown, prepared?: unknown) => {
    const fetched = (prepared as FetchedPayout | undefined) ?? (await fetchPayout(ctx.gateway, parsePayout(object).id, parsePayout(object)));
    await recordPayout(ctx.tx, ctx.logger, fetched);
  },
  {
    prepare: async (deps: { gateway: Parameters<typeof fetchPayout>[0] }, object: unknown) => {
      const payout = parsePayout(object);
      return fetchPayout(deps.gateway, payout.id, payout);
    },
  },
);

export const payoutHandlers: WebhookHandlers = {
  'payout.paid': payoutPaid,
};

import { z } from 'zod';
import { recordDisputeMovements } from '../src/ledger/reversal-recorder';
import { balanceTransaction, stripeId } from './stripe-shapes';
import type { WebhookHandlers } from './webhook-types';

const disputeSchema = z.object({
  id: z.string().startsWith('du_').or(z.string().startsWith('dp_')),
  charge: stripeId,
  status: z.string(),
  balance_transactions: z.array(balanceTransaction),
});

const recordDispute: WebhookHandlers[string] = async (ctx, object) => {
  const dispute = disputeSchema.parse(object);
  await recordDisputeMovements(ctx, {
    id: dispute.id, chargeId: dispute.charge, balanceTransactions: dispute.balance_transactions,
  });
};

// Every dispute event carries all its balance transactions so far; each is recorded once.
export const disputeHandlers: WebhookHandlers = {
  'charge.dispute.created': recordDispute,
  'charge.dispute.funds_withdrawn': recordDispute,
  'charge.dispute.funds_reinstated': recordDispute,
  'charge.dispute.closed': recordDispute,
};

import { z } from 'zod';
import type { EventContext } from '../src/donations/donation-events';
import { recordPaymentFacts } from '../src/ledger/payment-recorder';
import { recordRefunds } from '../src/ledger/reversal-recorder';
import { donationIdFrom, metadata, stripeId, timestamp } from './stripe-shapes';
import type { WebhookHandlers } from './webhook-types';

const chargeSchema = z.object({
  id: z.string().startsWith('ch_').or(z.string().startsWith('py_')),
  status: z.string(),
  created: timestamp,
  payment_intent: stripeId.nullable(),
  balance_transaction: stripeId.nullable(),
  payment_method_details: z
    .object({ type: z.string(), card: z.object({ last4: z.string().nullish() }).nullish() })
    .nullish(),
  metadata,
});

const refundSchema = z.object({ id: z.string().startsWith('re_'), charge: stripeId.nullable() });

/** Capture settles after checkout: the balance transaction, with the fee, often comes only here. */
async function settleCharge(ctx: EventContext, object: unknown): Promise<string> {
  const charge = chargeSchema.parse(object);
  if (charge.status === 'succeeded' && charge.payment_intent && charge.balance_transaction) {
    const balanceTransaction = await ctx.gateway.retrieveBalanceTransaction(charge.balance_transaction);
    const donationId = donationIdFrom(charge.metadata);
    await recordPaymentFacts(ctx.tx, ctx.logger, {
      paymentIntentId: charge.payment_intent,
      ...(donationId ? { donationId } : {}),
      charge: {
        id: charge.id,
        status: charge.status,
        paymentIntentId: charge.payment_intent,
        paymentMethod: charge.payment_method_details?.type ?? null,
        cardLast4: charge.payment_method_details?.card?.last4 ?? null,
        created: charge.created,
        balanceTransaction,
      },
    });
  }
  return charge.id;
}

export const chargeHandlers: WebhookHandlers = {
  'charge.updated': async (ctx, object) => {
    await settleCharge(ctx, object);
  },
  'charge.refunded': async (ctx, object) => {
    const chargeId = await settleCharge(ctx, object);
    await recordRefunds(ctx.tx, ctx.logger, chargeId, await ctx.gateway.listRefunds(chargeId));
  },
  // A refund whose balance transaction was still pending when charge.refunded came.
  'charge.refund.updated': async (ctx, object) => {
    const refund = refundSchema.parse(object);
    if (refund.charge) await recordRefunds(ctx.tx, ctx.logger, refund.charge, await ctx.gateway.listRefunds(refund.charge));
  },
};

import { z } from 'zod';
import type { EventContext, PrepareDeps } from '../src/donations/donation-events';
import { recordPaymentFacts } from '../src/ledger/payment-recorder';
import { recordRefunds } from '../src/ledger/reversal-recorder';
import type { BalanceTx, RefundInfo } from '../src/stripe/payment-types';
import { donationIdFrom, metadata, stripeId, timestamp } from './stripe-shapes';
import { withPrepare, type WebhookHandlers } from './webhook-types';

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

const settles = (charge: z.infer<typeof chargeSchema>) =>
  charge.status === 'succeeded' && Boolean(charge.payment_intent) && Boolean(charge.balance_transaction);

/** Read before the transaction: the settled charge's balance transaction, and its refunds if asked. */
interface PreparedCharge {
  readonly balanceTransaction: BalanceTx | null;
  readonly refunds: RefundInfo[];
}

async function prepareCharge(deps: PrepareDeps, object: unknown, withRefunds: boolean): Promise<PreparedCharge> {
  const charge = chargeSchema.parse(object);
  const balanceTransaction = settles(charge) && charge.balance_transaction
    ? await deps.gateway.retrieveBalanceTransaction(charge.balance_transaction) : null;
  return { balanceTransaction, refunds: withRefunds ? await deps.gateway.listRefunds(charge.id) : [] };
}

/** Capture settles after checkout: the balance transaction, with the fee, often comes only here. */
async function settleCharge(ctx: EventContext, object: unknown, prepared: PreparedCharge): Promise<string> {
  const charge = chargeSchema.parse(object);
  if (settles(charge) && charge.payment_intent && prepared.balanceTransaction) {
    const donationId = donationIdFrom(charge.metadata);
    await recordPaymentFacts(ctx, {
      paymentIntentId: charge.payment_intent,
      ...(donationId ? { donationId } : {}),
      charge: {
        id: charge.id,
        status: charge.status,
        paymentIntentId: charge.payment_intent,
        paymentMethod: charge.payment_method_details?.type ?? null,
        cardLast4: charge.payment_method_details?.card?.last4 ?? null,
        created: charge.created,
        balanceTransaction: prepared.balanceTransaction,
      },
    });
  }
  return charge.id;
}

export const chargeHandlers: WebhookHandlers = {
  'charge.updated': withPrepare(
    (deps, object) => prepareCharge(deps, object, false),
    async (ctx, object, prepared) => {
      await settleCharge(ctx, object, prepared);
    },
  ),
  'charge.refunded': withPrepare(
    (deps, object) => prepareCharge(deps, object, true),
    async (ctx, object, prepared) => {
      const chargeId = await settleCharge(ctx, object, prepared);
      await recordRefunds(ctx, chargeId, prepared.refunds);
    },
  ),
  // A refund whose balance transaction was still pending when charge.refunded came.
  'charge.refund.updated': withPrepare(
    async (deps, object) => {
      const refund = refundSchema.parse(object);
      return { chargeId: refund.charge, refunds: refund.charge ? await deps.gateway.listRefunds(refund.charge) : [] };
    },
    async (ctx, _object, prepared) => {
      if (prepared.chargeId) await recordRefunds(ctx, prepared.chargeId, prepared.refunds);
    },
  ),
};

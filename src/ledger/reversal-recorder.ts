import type { Knex } from 'knex';
import type { LedgerTx } from './payment-recorder';
import { recordLedgerEntry } from './ledger-service';
import { lockDonation } from '../donations/donation-repository';
import { NotYetError } from '../lib/errors';
import type { BalanceTx, RefundInfo } from '../stripe/payment-types';
import { findPaymentEntryByCharge, hasBalanceTransaction, type PaymentEntryRef } from './ledger-repository';

async function paymentFor(tx: Knex, chargeId: string): Promise<PaymentEntryRef> {
  const payment = await findPaymentEntryByCharge(tx, chargeId);
  // The payment's own events may still be on their way; Stripe will deliver this one again.
  if (!payment) throw new NotYetError(`no payment recorded yet for charge ${chargeId}`);
  if (payment.donationId) await lockDonation(tx, payment.donationId);
  return payment;
}

const attribution = (p: PaymentEntryRef) => ({
  organizationId: p.organizationId, campaignId: p.campaignId, earmarkId: p.earmarkId,
  supporterId: p.supporterId, donationId: p.donationId,
});

/** One refund entry per succeeded refund, read from the refund's balance transaction. */
export async function recordRefunds(ctx: LedgerTx, chargeId: string, refunds: RefundInfo[]): Promise<number> {
  const { tx, logger } = ctx;
  const settled = refunds.filter((r) => r.status === 'succeeded' && r.balanceTransaction);
  if (settled.length === 0) return 0;
  const payment = await paymentFor(tx, chargeId);
  let recorded = 0;
  for (const refund of settled) {
    const bt = refund.balanceTransaction as BalanceTx;
    if (await hasBalanceTransaction(tx, bt.id)) continue;
    await recordLedgerEntry(tx, ctx.effects, {
      kind: 'refund', ...attribution(payment), gross: bt.amount, fee: bt.fee, currency: bt.currency,
      occurredAt: refund.created, stripeChargeId: chargeId, stripeRefundId: refund.id, stripeBalanceTransactionId: bt.id,
    });
    recorded += 1;
    logger.info({ chargeId, refundId: refund.id, amount: bt.amount }, 'refund recorded');
  }
  return recorded;
}

/** A dispute withdraws the money (and a fee); a won dispute returns both. Each movement is
 * its own balance transaction and its own entry. */
export async function recordDisputeMovements(
  ctx: LedgerTx, dispute: { id: string; chargeId: string; balanceTransactions: BalanceTx[] },
): Promise<number> {
  const { tx, logger } = ctx;
  if (dispute.balanceTransactions.length === 0) return 0;
  const payment = await paymentFor(tx, dispute.chargeId);
  let recorded = 0;
  for (const bt of dispute.balanceTransactions) {
    if (bt.amount === 0 || (await hasBalanceTransaction(tx, bt.id))) continue;
    await recordLedgerEntry(tx, ctx.effects, {
      kind: bt.amount < 0 ? 'dispute' : 'dispute_reversal', ...attribution(payment), gross: bt.amount, fee: bt.fee,
      currency: bt.currency, occurredAt: bt.created, stripeChargeId: dispute.chargeId, stripeDisputeId: dispute.id,
      stripeBalanceTransactionId: bt.id,
    });
    recorded += 1;
    logger.info({ chargeId: dispute.chargeId, disputeId: dispute.id, amount: bt.amount }, 'dispute movement recorded');
  }
  return recorded;
}

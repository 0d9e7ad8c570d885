import type { Knex } from 'knex';

export type LedgerKind = 'payment' | 'refund' | 'dispute' | 'dispute_reversal' | 'offline';

export interface NewLedgerEntry {
  readonly kind: LedgerKind;
  readonly organizationId: string;
  readonly campaignId: string;
  readonly earmarkId: string;
  readonly supporterId: string;
  readonly donationId: string | null;
  readonly gross: number;
  readonly fee: number;
  readonly currency: string;
  readonly occurredAt: Date;
  readonly installment?: number | null;
  readonly paymentMethod?: string | null;
  readonly cardLast4?: string | null;
  readonly checkNumber?: string | null;
  readonly stripeChargeId?: string | null;
  readonly stripeInvoiceId?: string | null;
  readonly stripeRefundId?: string | null;
  readonly stripeDisputeId?: string | null;
  readonly stripeBalanceTransactionId?: string | null;
}

/**
 * Appends one entry, and nothing else: its side effects are the ledger service's
 * (ledger-service.ts). Callers hold the lock that makes "already recorded?" and this insert one
 * step (or use appendPaymentEntryOnce). The receipt number is given after commit (receipt-numbers.ts).
 */
export async function appendLedgerEntry(tx: Knex, entry: NewLedgerEntry): Promise<number> {
  const [row] = await tx('ledger_entries').insert(entryRow(entry)).returning('id');
  return Number(row.id);
}

/**
 * A charge's payment entry in one statement with its "already recorded?": null when the charge
 * has one (the unique index on payment entries by charge), so a replay appends nothing.
 */
export async function appendPaymentEntryOnce(tx: Knex, entry: NewLedgerEntry & { stripeChargeId: string }): Promise<number | null> {
  if (entry.kind !== 'payment') throw new Error('appendPaymentEntryOnce appends payments only');
  const [row] = await tx('ledger_entries').insert(entryRow(entry))
    .onConflict(tx.raw(`(stripe_charge_id) where kind = 'payment'`)).ignore()
    .returning('id');
  return row ? Number(row.id) : null;
}

function entryRow(entry: NewLedgerEntry) {
  return {
    kind: entry.kind,
    organization_id: entry.organizationId,
    campaign_id: entry.campaignId,
    earmark_id: entry.earmarkId,
    supporter_id: entry.supporterId,
    donation_id: entry.donationId,
    gross: entry.gross,
    fee: entry.fee,
    net: entry.gross - entry.fee,
    currency: entry.currency,
    occurred_at: entry.occurredAt,
    installment: entry.installment ?? null,
    payment_method: entry.paymentMethod ?? null,
    card_last4: entry.cardLast4 ?? null,
    check_number: entry.checkNumber ?? null,
    stripe_charge_id: entry.stripeChargeId ?? null,
    stripe_invoice_id: entry.stripeInvoiceId ?? null,
    stripe_refund_id: entry.stripeRefundId ?? null,
    stripe_dispute_id: entry.stripeDisputeId ?? null,
    stripe_balance_transaction_id: entry.stripeBalanceTransactionId ?? null,
  };
}

export async function hasBalanceTransaction(db: Knex, balanceTransactionId: string): Promise<boolean> {
  return Boolean(await db('ledger_entries').where({ stripe_balance_transaction_id: balanceTransactionId }).first('id'));
}

export interface PaymentEntryRef {
  readonly id: number;
  readonly organizationId: string;
  readonly campaignId: string;
  readonly earmarkId: string;
  readonly supporterId: string;
  readonly donationId: string | null;
}

export async function findPaymentEntryByCharge(db: Knex, chargeId: string): Promise<PaymentEntryRef | null> {
  const row = await db('ledger_entries').where({ stripe_charge_id: chargeId, kind: 'payment' })
    .first('id', 'organization_id', 'campaign_id', 'earmark_id', 'supporter_id', 'donation_id');
  if (!row) return null;
  return {
    id: row.id, organizationId: row.organization_id, campaignId: row.campaign_id,
    earmarkId: row.earmark_id, supporterId: row.supporter_id, donationId: row.donation_id,
  };
}

import type { Knex } from 'knex';
import { queueLedgerEmails } from '../email/ledger-emails';
import { checkMilestones } from './milestone-check';

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

const RECEIPTED: ReadonlySet<LedgerKind> = new Set(['payment', 'offline', 'refund']);

const yearFormats = new Map<string, Intl.DateTimeFormat>();

function yearIn(timeZone: string, moment: Date): number {
  let format = yearFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { year: 'numeric', timeZone });
    yearFormats.set(timeZone, format);
  }
  return Number(format.format(moment));
}

/** Sequential per organization and calendar year in the organization's time zone; the counter
 * row stays locked until the transaction ends, so numbers are gapless and never shared. */
async function nextReceiptNumber(tx: Knex, organizationId: string, occurredAt: Date): Promise<string> {
  const org = await tx('organizations').where({ id: organizationId }).first('time_zone');
  const year = yearIn(org?.time_zone ?? 'UTC', occurredAt);
  const [row] = await tx('receipt_counters')
    .insert({ organization_id: organizationId, year, last_number: 1 })
    .onConflict(['organization_id', 'year'])
    .merge({ last_number: tx.raw('receipt_counters.last_number + 1') })
    .returning('last_number');
  return `${year}-${String(row.last_number).padStart(6, '0')}`;
}

/** Appends one entry. Callers hold the lock that makes "already recorded?" and this insert one step. */
export async function appendLedgerEntry(tx: Knex, entry: NewLedgerEntry): Promise<number> {
  const receiptNumber = RECEIPTED.has(entry.kind) ? await nextReceiptNumber(tx, entry.organizationId, entry.occurredAt) : null;
  const [row] = await tx('ledger_entries')
    .insert({
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
      receipt_number: receiptNumber,
    })
    .returning('id');
  const id = Number(row.id);
  // Same transaction: the receipt and any milestone mail exist exactly when the entry does.
  await queueLedgerEmails(tx, { id, ...entry });
  await checkMilestones(tx, { id, ...entry });
  return id;
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

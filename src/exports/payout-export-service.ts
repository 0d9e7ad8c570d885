import { stringify } from 'csv-stringify/sync';
import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { toDecimalString } from '../lib/money';
import type { Principal } from '../staff/principal';
import { payoutSummaries, payoutSummary, unmatchedTransactions, type PayoutSummaryRow, type UnmatchedTransaction } from './payout-repository';

export const payoutExportRequestSchema = z.object({
  from: z.iso.date('must be a date as YYYY-MM-DD').optional(),
  to: z.iso.date('must be a date as YYYY-MM-DD').optional(),
  bom: z.enum(['1', '0', 'true', 'false']).optional().transform((v) => v === '1' || v === 'true'),
});

export const payoutIdSchema = z.object({ id: z.string().regex(/^po_\w+$/, 'must be a Stripe payout id (po_…)') });

/** A payout is the whole Stripe account's deposit, across organizations: the sponsor's and admin's to read. */
function assertCanReadPayouts(principal: Principal): void {
  if (principal.role === 'staff') throw new AppError(403, 'forbidden', 'Payouts span every organization; ask the fiscal sponsor');
}

export const PAYOUT_EXPORT_HEADER = [
  'payout_id', 'arrival_date', 'status', 'currency', 'amount', 'entries_net', 'difference', 'transactions', 'unmatched', 'reconciled_at',
];

/** One row per payout: its amount, the net of the ledger entries it paid out, and the difference. */
export async function payoutsCsv(db: Knex, principal: Principal, request: z.infer<typeof payoutExportRequestSchema>): Promise<string> {
  assertCanReadPayouts(principal);
  const rows = (await payoutSummaries(db, request)).map((p) => [
    p.id, p.arrivalDate, p.status, p.currency.toUpperCase(), toDecimalString(p.amount, p.currency),
    toDecimalString(p.entriesNet, p.currency), toDecimalString(p.difference, p.currency), p.transactions, p.unmatched,
    p.reconciledAt.toISOString(),
  ]);
  return stringify(rows, { header: true, columns: PAYOUT_EXPORT_HEADER, bom: request.bom, record_delimiter: 'windows' });
}

export interface PayoutDetail {
  readonly payout: PayoutSummaryRow;
  readonly unmatched: UnmatchedTransaction[];
}

export async function payoutDetail(db: Knex, principal: Principal, payoutId: string): Promise<PayoutDetail> {
  assertCanReadPayouts(principal);
  const payout = await payoutSummary(db, payoutId);
  if (!payout) throw new AppError(404, 'payout_not_found', `No payout ${payoutId} has been reconciled`);
  return { payout, unmatched: await unmatchedTransactions(db, payoutId) };
}

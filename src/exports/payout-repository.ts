import type { Knex } from 'knex';
import type { PayoutBalanceTx, PayoutInfo } from '../stripe/payment-types';

/** Writes the payout row; true when it is new or any of its fields changed. */
export async function upsertPayout(tx: Knex, payout: PayoutInfo): Promise<boolean> {
  const { rows } = await tx.raw(`insert into payouts (id, amount, currency, arrival_date, status)
    values (?, ?, ?, ?, ?)
    on conflict (id) do update set amount = excluded.amount, currency = excluded.currency,
      arrival_date = excluded.arrival_date, status = excluded.status
    where (payouts.amount, payouts.currency, payouts.arrival_date, payouts.status)
      is distinct from (excluded.amount, excluded.currency, excluded.arrival_date, excluded.status)
    returning id`, [payout.id, payout.amount, payout.currency, payout.arrivalDate, payout.status]);
  return rows.length > 0;
}

export async function touchPayout(tx: Knex, payoutId: string): Promise<void> {
  await tx('payouts').where({ id: payoutId }).update({ reconciled_at: tx.fn.now() });
}

/** The ledger entries (by balance transaction id) that hold these balance transactions. */
export async function ledgerEntriesByBalanceTransaction(tx: Knex, ids: readonly string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (let start = 0; start < ids.length; start += 1000) {
    const rows: { id: number; stripe_balance_transaction_id: string }[] = await tx('ledger_entries')
      .whereIn('stripe_balance_transaction_id', ids.slice(start, start + 1000))
      .select('id', 'stripe_balance_transaction_id');
    for (const row of rows) found.set(row.stripe_balance_transaction_id, row.id);
  }
  return found;
}

/**
 * Records each balance transaction of the payout once; a replay changes nothing, except that a
 * transaction unmatched before (its ledger entry came later) gets its entry. Returns how many
 * rows were new or newly matched.
 */
export async function linkBalanceTransactions(
  tx: Knex, payoutId: string, transactions: readonly PayoutBalanceTx[], entries: ReadonlyMap<string, number>,
): Promise<number> {
  let changed = 0;
  for (let start = 0; start < transactions.length; start += 500) {
    const rows = transactions.slice(start, start + 500).map((bt) => ({
      balance_transaction_id: bt.id, payout_id: payoutId, amount: bt.amount, fee: bt.fee, net: bt.net,
      currency: bt.currency, type: bt.type, source_id: bt.sourceId, ledger_entry_id: entries.get(bt.id) ?? null,
    }));
    const written = await tx('payout_balance_transactions')
      .insert(rows)
      .onConflict('balance_transaction_id')
      .merge({ ledger_entry_id: tx.raw('excluded.ledger_entry_id') })
      .whereNull('payout_balance_transactions.ledger_entry_id')
      .whereRaw('excluded.ledger_entry_id is not null')
      .returning('balance_transaction_id');
    changed += written.length;
  }
  return changed;
}

export interface PayoutSummaryRow {
  readonly id: string;
  readonly amount: number;
  readonly currency: string;
  readonly arrivalDate: string;
  readonly status: string;
  readonly reconciledAt: Date;
  readonly transactions: number;
  readonly matched: number;
  readonly unmatched: number;
  /** The net of the ledger entries the payout paid out. */
  readonly entriesNet: number;
  /** Payout amount less entriesNet: what the unmatched transactions (fees, unknown charges) account for. */
  readonly difference: number;
}

const SUMMARY_SELECT = `select p.id, p.amount, p.currency, to_char(p.arrival_date at time zone 'UTC', 'YYYY-MM-DD') as arrival_date,
    p.status, p.reconciled_at,
    count(pbt.balance_transaction_id)::int as transactions,
    count(pbt.ledger_entry_id)::int as matched,
    coalesce(sum(le.net), 0)::bigint as entries_net
  from payouts p
  left join payout_balance_transactions pbt on pbt.payout_id = p.id
  left join ledger_entries le on le.id = pbt.ledger_entry_id`;

function toSummary(row: Record<string, unknown>): PayoutSummaryRow {
  const transactions = Number(row.transactions);
  const matched = Number(row.matched);
  const entriesNet = Number(row.entries_net);
  return {
    id: row.id as string, amount: Number(row.amount), currency: row.currency as string, arrivalDate: row.arrival_date as string,
    status: row.status as string, reconciledAt: row.reconciled_at as Date, transactions, matched,
    unmatched: transactions - matched, entriesNet, difference: Number(row.amount) - entriesNet,
  };
}

export async function payoutSummaries(db: Knex, range: { from?: string | undefined; to?: string | undefined }): Promise<PayoutSummaryRow[]> {
  const where: string[] = [];
  const bindings: string[] = [];
  if (range.from) { where.push(`(p.arrival_date at time zone 'UTC')::date >= ?::date`); bindings.push(range.from); }
  if (range.to) { where.push(`(p.arrival_date at time zone 'UTC')::date <= ?::date`); bindings.push(range.to); }
  const { rows } = await db.raw(`${SUMMARY_SELECT}
    ${where.length ? `where ${where.join(' and ')}` : ''}
    group by p.id order by p.arrival_date, p.id`, bindings);
  return (rows as Record<string, unknown>[]).map(toSummary);
}

export async function payoutSummary(db: Knex, payoutId: string): Promise<PayoutSummaryRow | null> {
  const { rows } = await db.raw(`${SUMMARY_SELECT} where p.id = ? group by p.id`, [payoutId]);
  return rows[0] ? toSummary(rows[0]) : null;
}

export interface UnmatchedTransaction {
  readonly balanceTransactionId: string;
  readonly type: string;
  readonly sourceId: string | null;
  readonly amount: number;
  readonly fee: number;
  readonly net: number;
  readonly currency: string;
}

export async function unmatchedTransactions(db: Knex, payoutId: string): Promise<UnmatchedTransaction[]> {
  const rows = await db('payout_balance_transactions').where({ payout_id: payoutId }).whereNull('ledger_entry_id')
    .orderBy('balance_transaction_id').select('balance_transaction_id', 'type', 'source_id', 'amount', 'fee', 'net', 'currency');
  return rows.map((r) => ({
    balanceTransactionId: r.balance_transaction_id, type: r.type, sourceId: r.source_id, amount: Number(r.amount),
    fee: Number(r.fee), net: Number(r.net), currency: r.currency,
  }));
}

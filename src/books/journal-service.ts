import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import type { Principal } from '../staff/principal';
import { incomeAccount, readBookSettings, type Account, type BookSettings } from './book-settings';

export const journalFields = z.object({
  format: z.enum(['quickbooks', 'xero']).describe('QuickBooks Online journal entries or Xero manual journals'),
  from: z.iso.date('must be a date as YYYY-MM-DD').optional().describe('payouts arriving and offline gifts received on or after this day'),
  to: z.iso.date('must be a date as YYYY-MM-DD').optional(),
  payout: z.string().regex(/^po_\w+$/, 'must be a Stripe payout id (po_…)').optional().describe('one payout instead of a date range'),
});

/** Either a date range or one payout. */
export function refineJournalRequest<T extends typeof journalFields>(schema: T) {
  return schema
    .refine((r) => Boolean(r.payout) !== Boolean(r.from || r.to), { path: ['from'], message: 'give either from and to, or payout' })
    .refine((r) => Boolean(r.payout) || (Boolean(r.from) && Boolean(r.to)), { path: ['to'], message: 'is required with from' })
    .refine((r) => !r.from || !r.to || r.from <= r.to, { path: ['to'], message: 'must not be before from' });
}

export const journalRequestSchema = refineJournalRequest(journalFields);
export type JournalRequest = z.infer<typeof journalRequestSchema>;

export interface JournalLine {
  readonly role: 'bank' | 'processorFees' | 'income' | 'sponsorFee' | 'clearing';
  readonly account: Account;
  readonly description: string;
  /** Minor units; a debit is positive, a credit negative. */
  readonly amount: number;
}

/** One deposit: a Stripe payout or an offline gift. Its lines sum to zero. */
export interface Journal {
  readonly number: string;
  readonly date: string;
  readonly currency: string;
  readonly narration: string;
  readonly kind: 'payout' | 'offline';
  /** What reached the bank: the payout's amount or the gift's gross. */
  readonly deposit: number;
  readonly lines: JournalLine[];
}

interface EntrySum { org: string; earmark: string; label: string; gross: number; fee: number; net: number; sponsor_fee: number }

/** The journals' entries are the sponsor's: every organization's money is in one Stripe account and one bank. */
export function assertCanReadJournals(principal: Principal | 'operator'): void {
  if (principal !== 'operator' && principal.role === 'staff') {
    throw new AppError(403, 'forbidden', "Journals span every organization's money; ask the fiscal sponsor");
  }
}

function incomeLines(settings: BookSettings, sums: EntrySum[]): JournalLine[] {
  const lines: JournalLine[] = [];
  let sponsorFee = 0;
  for (const s of sums) {
    lines.push({ role: 'income', account: incomeAccount(settings, s.earmark), description: `${s.org}: ${s.label}`, amount: -(s.gross - s.sponsor_fee) });
    sponsorFee += s.sponsor_fee;
  }
  lines.push({ role: 'sponsorFee', account: settings.accounts.sponsorFeeIncome, description: 'Fiscal sponsorship fee', amount: -sponsorFee });
  return lines;
}

const nonZero = (lines: JournalLine[]) => lines.filter((l) => l.amount !== 0);

async function payoutJournal(db: Knex, settings: BookSettings, payout: { id: string; amount: number; currency: string; date: string }): Promise<Journal> {
  const { rows } = await db.raw(`select o.name as org, e.code as earmark, min(e.label_en) as label,
      sum(le.gross)::bigint as gross, sum(le.fee)::bigint as fee, sum(le.net)::bigint as net, sum(le.sponsor_fee)::bigint as sponsor_fee
    from payout_balance_transactions pbt
    join ledger_entries le on le.id = pbt.ledger_entry_id
    join organizations o on o.id = le.organization_id
    join earmarks e on e.id = le.earmark_id
    where pbt.payout_id = ?
    group by o.name, e.code order by o.name, e.code`, [payout.id]) as { rows: EntrySum[] };
  const sums = rows.map((r) => ({ ...r, gross: Number(r.gross), fee: Number(r.fee), net: Number(r.net), sponsor_fee: Number(r.sponsor_fee) }));
  const fees = sums.reduce((t, s) => t + s.fee, 0);
  const net = sums.reduce((t, s) => t + s.net, 0);
  const { accounts } = settings;
  return {
    number: payout.id, date: payout.date, currency: payout.currency, kind: 'payout', deposit: payout.amount,
    narration: `Stripe payout ${payout.id} (${payout.currency.toUpperCase()})`,
    lines: nonZero([
      { role: 'bank', account: accounts.bank, description: `Stripe payout ${payout.id}`, amount: payout.amount },
      { role: 'processorFees', account: accounts.processorFees, description: 'Stripe fees on these gifts, refunds and disputes', amount: fees },
      ...incomeLines(settings, sums),
      // What the payout holds beyond the recorded entries: Stripe's own fees, adjustments, unmatched charges.
      { role: 'clearing', account: accounts.stripeClearing, description: 'Other Stripe balance activity in this payout', amount: net - payout.amount },
    ]),
  };
}

interface OfflineRow { id: number; org: string; earmark: string; label: string; gross: number; sponsor_fee: number; currency: string; day: string; method: string; check_number: string | null }

function offlineJournal(settings: BookSettings, r: OfflineRow): Journal {
  const gross = Number(r.gross);
  const what = r.method === 'check' ? `Check ${r.check_number ?? ''}`.trim() : r.method === 'bank_transfer' ? 'Bank transfer' : 'Cash';
  return {
    number: `offline-${r.id}`, date: r.day, currency: r.currency, kind: 'offline', deposit: gross,
    narration: `${what}, ledger entry ${r.id} (${r.currency.toUpperCase()})`,
    lines: nonZero([
      { role: 'bank', account: settings.accounts.bank, description: what, amount: gross },
      ...incomeLines(settings, [{ org: r.org, earmark: r.earmark, label: r.label, gross, fee: 0, net: gross, sponsor_fee: Number(r.sponsor_fee) }]),
    ]),
  };
}

/** The deposits of a date range (payouts by arrival day, offline gifts by the day received in their organization's zone) or of one payout. */
export async function buildJournals(db: Knex, reader: Principal | 'operator', request: Omit<JournalRequest, 'format'>): Promise<Journal[]> {
  assertCanReadJournals(reader);
  const settings = await readBookSettings(db);
  const from = request.from ?? '';
  const to = request.to ?? '';
  const payouts = request.payout
    ? await db('payouts').where({ id: request.payout }).select('id', 'amount', 'currency', db.raw(`to_char(arrival_date at time zone 'UTC', 'YYYY-MM-DD') as date`))
    : await db('payouts').whereRaw(`(arrival_date at time zone 'UTC')::date between ?::date and ?::date`, [from, to])
      .orderBy(['arrival_date', 'id']).select('id', 'amount', 'currency', db.raw(`to_char(arrival_date at time zone 'UTC', 'YYYY-MM-DD') as date`));
  if (request.payout && payouts.length === 0) throw new AppError(404, 'payout_not_found', `No payout ${request.payout} has been reconciled`);
  const journals: Journal[] = [];
  for (const p of payouts) journals.push(await payoutJournal(db, settings, { id: p.id, amount: Number(p.amount), currency: p.currency, date: p.date }));
  if (request.payout) return journals;
  const { rows } = await db.raw(`select le.id, o.name as org, e.code as earmark, e.label_en as label, le.gross, le.sponsor_fee, le.currency,
      to_char(le.occurred_at at time zone o.time_zone, 'YYYY-MM-DD') as day, coalesce(le.payment_method, 'cash') as method, le.check_number
    from ledger_entries le
    join organizations o on o.id = le.organization_id
    join earmarks e on e.id = le.earmark_id
    where le.kind = 'offline'
      and le.occurred_at >= ?::date - interval '2 days' and le.occurred_at < ?::date + interval '3 days'
      and (le.occurred_at at time zone o.time_zone)::date between ?::date and ?::date
    order by day, le.id`, [from, to, from, to]) as { rows: OfflineRow[] };
  for (const r of rows) journals.push(offlineJournal(settings, r));
  return journals.sort((a, b) => a.date.localeCompare(b.date) || a.number.localeCompare(b.number));
}

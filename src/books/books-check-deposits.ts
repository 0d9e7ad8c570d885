import type { Knex } from 'knex';
import { payoutSummaries } from '../exports/payout-repository';
import { minorUnitExponent } from '../lib/money';
import { readBookSettings } from './book-settings';
import { comparison, type Comparison } from './books-check-types';
import type { BooksService } from './books-service';
import type { CheckEntry } from './check-ledger';
import { csvObjects, minorUnits } from './csv-read';
import { quickbooksCsv, xeroCsv } from './journal-formats';
import type { Journal } from './journal-service';

const sumLines = (j: Journal, pick: (l: Journal['lines'][number]) => boolean) => j.lines.filter(pick).reduce((t, l) => t + l.amount, 0);
const debits = (j: Journal) => sumLines(j, (l) => l.amount > 0);
const credits = (j: Journal) => -sumLines(j, (l) => l.amount < 0);
const incomeAndFee = (j: Journal) => -sumLines(j, (l) => l.role === 'income' || l.role === 'sponsorFee');

/** Each deposit balanced and equal to the bank's amount; the files, read back, balanced too. */
export async function checkJournals(db: Knex, books: BooksService, inRange: CheckEntry[], range: { from: string; to: string }): Promise<Comparison[]> {
  const journals = await books.journals('operator', range);
  const found: Comparison[] = [];
  for (const j of journals.filter((x) => x.kind === 'payout')) {
    const payout = await db('payouts').where({ id: j.number }).first('amount');
    const { rows } = await db.raw(`select coalesce(sum(le.gross), 0)::bigint as gross from payout_balance_transactions pbt
      join ledger_entries le on le.id = pbt.ledger_entry_id where pbt.payout_id = ?`, [j.number]);
    found.push(comparison(`journal of payout ${j.number} (${j.date})`, j.currency, [
      ['debits = credits', debits(j), credits(j)], ['bank line = payout amount', Number(payout.amount), sumLines(j, (l) => l.role === 'bank')],
      ['income + sponsor fee = gross of its entries', Number(rows[0].gross), incomeAndFee(j)],
    ]));
  }
  const offlineEntries = inRange.filter((e) => e.kind === 'offline');
  const offlineJournals = journals.filter((x) => x.kind === 'offline');
  for (const currency of [...new Set([...offlineEntries.map((e) => e.currency), ...offlineJournals.map((j) => j.currency)])].sort()) {
    const entries = offlineEntries.filter((e) => e.currency === currency);
    const mine = offlineJournals.filter((j) => j.currency === currency);
    const gross = entries.reduce((t, e) => t + e.gross, 0);
    found.push(comparison(`journals of offline gifts, ${currency.toUpperCase()}`, currency, [
      ['deposits', entries.length, mine.length, true], ['bank lines', gross, mine.reduce((t, j) => t + sumLines(j, (l) => l.role === 'bank'), 0)],
      ['income + sponsor fee', gross, mine.reduce((t, j) => t + incomeAndFee(j), 0)],
      ['unbalanced', 0, mine.filter((j) => debits(j) !== credits(j)).length, true],
    ]));
  }
  found.push(...filesBalance(journals, (await readBookSettings(db)).xeroTaxRate));
  return found;
}

function filesBalance(journals: Journal[], taxRate: string): Comparison[] {
  const found: Comparison[] = [];
  const currencies = [...new Set(journals.map((j) => j.currency))].sort();
  const qbo = csvObjects(quickbooksCsv(journals));
  for (const currency of currencies) {
    const exponent = minorUnitExponent(currency);
    const mine = journals.filter((j) => j.currency === currency);
    const rows = qbo.filter((r) => r['Currency Code'] === currency.toUpperCase());
    const byNumber = new Map<string, number>();
    let debit = 0;
    let credit = 0;
    for (const r of rows) {
      const d = r.Debits ? minorUnits(r.Debits, exponent) ?? NaN : 0;
      const c = r.Credits ? minorUnits(r.Credits, exponent) ?? NaN : 0;
      debit += d; credit += c;
      byNumber.set(r['Journal No.'] ?? '', (byNumber.get(r['Journal No.'] ?? '') ?? 0) + d - c);
    }
    found.push(comparison(`QuickBooks journal file, ${currency.toUpperCase()}`, currency, [
      ['journals', mine.length, byNumber.size, true], ['debits', mine.reduce((t, j) => t + debits(j), 0), debit],
      ['credits', mine.reduce((t, j) => t + credits(j), 0), credit],
      ['unbalanced journals', 0, [...byNumber.values()].filter((v) => v !== 0).length, true],
    ]));
  }
  // Xero has no currency column: each journal's narration names its currency, and its amounts sum to zero.
  const xero = csvObjects(xeroCsv(journals, taxRate));
  const byJournal = new Map<string, number>();
  for (const r of xero) {
    const key = `${r['*Narration']}|${r['*Date']}`;
    const currency = /\(([A-Z]{3})\)$/.exec(r['*Narration'] ?? '')?.[1] ?? '';
    byJournal.set(key, (byJournal.get(key) ?? 0) + (minorUnits(r['*Amount'] ?? '', minorUnitExponent(currency)) ?? NaN));
  }
  found.push(comparison('Xero journal file', null, [
    ['journals', journals.length, byJournal.size, true], ['unbalanced journals', 0, [...byJournal.values()].filter((v) => v !== 0).length, true],
  ]));
  return found;
}

/** Every payout arriving in the range: its amount is its balance transactions, and each matched one is its ledger entry. */
export async function checkPayouts(db: Knex, range: { from: string; to: string }): Promise<Comparison[]> {
  const found: Comparison[] = [];
  for (const p of await payoutSummaries(db, range)) {
    const { rows } = await db.raw(`select coalesce(sum(pbt.net), 0)::bigint as net,
        coalesce(sum(pbt.net) filter (where pbt.ledger_entry_id is null), 0)::bigint as unmatched_net,
        count(*) filter (where le.id is not null and (le.gross <> pbt.amount or le.fee <> pbt.fee or le.currency <> pbt.currency))::int as off
      from payout_balance_transactions pbt left join ledger_entries le on le.id = pbt.ledger_entry_id where pbt.payout_id = ?`, [p.id]);
    const r = rows[0];
    found.push(comparison(`payout ${p.id} (${p.arrivalDate}, ${p.matched} of ${p.transactions} matched)`, p.currency, [
      ['amount = its balance transactions', Number(r.net), p.amount],
      ['entries net + unmatched = amount', p.amount, p.entriesNet + Number(r.unmatched_net)],
      ['entries that differ from Stripe', 0, Number(r.off), true],
    ]));
  }
  return found;
}

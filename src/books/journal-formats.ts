import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../exports/csv-cells';
import { toDecimalString } from '../lib/money';
import type { Journal } from './journal-service';

/** QuickBooks Online, Settings > Import data > Journal entries: one row per line, grouped by journal number. */
export const QUICKBOOKS_HEADER = ['Journal No.', 'Journal Date', 'Account Name', 'Debits', 'Credits', 'Description', 'Name', 'Currency Code'];

/** Xero, Manual journals > Import: its template's headings; rows with one narration and date make one journal. */
export const XERO_HEADER = [
  '*Narration', '*Date', 'Description', '*AccountCode', '*TaxRate', '*Amount', 'TrackingName1', 'TrackingOption1', 'TrackingName2', 'TrackingOption2',
];

const [YEAR, MONTH, DAY] = [0, 1, 2];
const parts = (isoDay: string) => isoDay.split('-');
/** 2026-11-05 -> 11/05/2026 (QuickBooks, US) */
export const usDate = (isoDay: string) => { const p = parts(isoDay); return `${p[MONTH]}/${p[DAY]}/${p[YEAR]}`; };
/** 2026-11-05 -> 05/11/2026 (Xero) */
export const xeroDate = (isoDay: string) => { const p = parts(isoDay); return `${p[DAY]}/${p[MONTH]}/${p[YEAR]}`; };

const text = (value: string) => neutraliseCell(value);

/** QuickBooks keeps 21 characters of a journal number: a Stripe payout id keeps its prefix and its last 18. */
export const quickbooksNumber = (number: string) => (number.length <= 21 ? number : `${number.slice(0, 3)}${number.slice(-18)}`);

export function quickbooksCsv(journals: readonly Journal[], options: { bom?: boolean } = {}): string {
  const records = journals.flatMap((j) => j.lines.map((l) => [
    text(quickbooksNumber(j.number)), usDate(j.date), text(l.account.name),
    l.amount > 0 ? toDecimalString(l.amount, j.currency) : '', l.amount < 0 ? toDecimalString(-l.amount, j.currency) : '',
    text(l.description), '', j.currency.toUpperCase(),
  ]));
  return stringify(records, { header: true, columns: QUICKBOOKS_HEADER, bom: options.bom ?? false, record_delimiter: 'windows' });
}

export function xeroCsv(journals: readonly Journal[], taxRate: string, options: { bom?: boolean } = {}): string {
  const records = journals.flatMap((j) => j.lines.map((l) => [
    text(j.narration), xeroDate(j.date), text(l.description), text(l.account.code), text(taxRate), toDecimalString(l.amount, j.currency),
    '', '', '', '',
  ]));
  return stringify(records, { header: true, columns: XERO_HEADER, bom: options.bom ?? false, record_delimiter: 'windows' });
}

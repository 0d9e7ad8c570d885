import { minorUnitCurrencies, toDecimalString } from '../lib/money';
import { neutraliseCell } from './csv-cells';

/**
 * The donation export's columns, in order. Their names are a contract with the sponsor's
 * books (README, "Donation export columns"): add new ones at the end, never rename.
 * `text` cells are neutralised against spreadsheet formulas; `amount` cells are decimal
 * numbers in major units and are left as numbers.
 */
type CellKind = 'text' | 'int' | 'bool' | 'amount' | 'occurred_at' | 'currency';

interface Column {
  readonly name: string;
  readonly sql: string;
  readonly kind: CellKind;
}

const COLUMNS: readonly Column[] = [
  { name: 'entry_id', sql: 'le.id', kind: 'int' },
  { name: 'kind', sql: 'le.kind', kind: 'text' },
  // The local wall-clock time and, beside it, its offset from UTC in seconds (joined in JS).
  { name: 'occurred_at', sql: `to_char(le.occurred_at at time zone o.time_zone, 'YYYY-MM-DD"T"HH24:MI:SS')`, kind: 'occurred_at' },
  { name: 'time_zone', sql: 'o.time_zone', kind: 'text' },
  { name: 'organization', sql: 'o.slug', kind: 'text' },
  { name: 'campaign', sql: 'c.slug', kind: 'text' },
  { name: 'earmark', sql: 'e.code', kind: 'text' },
  { name: 'first_name', sql: 's.first_name', kind: 'text' },
  { name: 'last_name', sql: 's.last_name', kind: 'text' },
  { name: 'email', sql: 's.email', kind: 'text' },
  { name: 'phone', sql: 's.phone', kind: 'text' },
  { name: 'address_line1', sql: 's.address_line1', kind: 'text' },
  { name: 'address_line2', sql: 's.address_line2', kind: 'text' },
  { name: 'address_city', sql: 's.address_city', kind: 'text' },
  { name: 'address_region', sql: 's.address_region', kind: 'text' },
  { name: 'address_postal_code', sql: 's.address_postal_code', kind: 'text' },
  { name: 'address_country', sql: 's.address_country', kind: 'text' },
  { name: 'anonymous', sql: 'coalesce(d.anonymous, false)', kind: 'bool' },
  { name: 'gross', sql: 'le.gross', kind: 'amount' },
  { name: 'fee', sql: 'le.fee', kind: 'amount' },
  { name: 'net', sql: 'le.net', kind: 'amount' },
  { name: 'currency', sql: 'le.currency', kind: 'currency' },
  { name: 'payment_method', sql: 'le.payment_method', kind: 'text' },
  { name: 'check_number', sql: 'le.check_number', kind: 'text' },
  { name: 'frequency', sql: `coalesce(d.frequency, 'once')`, kind: 'text' },
  { name: 'installment', sql: 'le.installment', kind: 'int' },
  { name: 'installments', sql: 'd.installments', kind: 'int' },
  { name: 'stripe_charge_id', sql: 'le.stripe_charge_id', kind: 'text' },
  { name: 'stripe_invoice_id', sql: 'le.stripe_invoice_id', kind: 'text' },
  { name: 'stripe_refund_id', sql: 'le.stripe_refund_id', kind: 'text' },
  { name: 'stripe_dispute_id', sql: 'le.stripe_dispute_id', kind: 'text' },
  { name: 'stripe_balance_transaction_id', sql: 'le.stripe_balance_transaction_id', kind: 'text' },
  { name: 'stripe_payout_id', sql: 'pbt.payout_id', kind: 'text' },
  { name: 'receipt_number', sql: 'le.receipt_number', kind: 'text' },
  { name: 'note', sql: 'd.note', kind: 'text' },
  { name: 'sponsor_fee', sql: 'le.sponsor_fee', kind: 'amount' },
  { name: 'net_to_organization', sql: 'le.net - le.sponsor_fee', kind: 'amount' },
];

export const DONATION_EXPORT_HEADER: readonly string[] = COLUMNS.map((c) => c.name);

// Extra values selected after the columns: the offset of occurred_at, then the raw id for paging.
const OFFSET_SQL = `extract(epoch from (le.occurred_at at time zone o.time_zone) - (le.occurred_at at time zone 'UTC'))::int`;
export const SELECT_LIST = [...COLUMNS.map((c, i) => `${c.sql} as c${i}`), `${OFFSET_SQL} as c_offset`].join(',\n  ');

const KINDS: readonly CellKind[] = COLUMNS.map((c) => c.kind);
const WIDTH = COLUMNS.length;
const CURRENCY_AT = COLUMNS.findIndex((c) => c.kind === 'currency');

const offsets = new Map<number, string>();
/** 3600 -> "+01:00", -28800 -> "-08:00". */
function offsetText(seconds: number): string {
  let text = offsets.get(seconds);
  if (text === undefined) {
    const minutes = Math.abs(seconds) / 60;
    const pad = (n: number) => String(Math.floor(n)).padStart(2, '0');
    text = `${seconds < 0 ? '-' : '+'}${pad(minutes / 60)}:${pad(minutes % 60)}`;
    offsets.set(seconds, text);
  }
  return text;
}

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/**
 * RFC 4180: a field holding a comma, quote, CR or LF is quoted, its quotes doubled; the bytes
 * csv-stringify writes when told to quote every CR and LF (a test holds them equal), at a
 * fraction of its cost: at a million rows of 36 fields its per-field objects were most of the
 * export's CPU time and a third of its peak memory (bench/export).
 */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(QUOTE, '""')}"` : text;
}

/** One database row -> one CSV record with its CRLF, in one string and no array. */
export function toCsvLine(row: readonly unknown[]): string {
  const currency = row[CURRENCY_AT] as string;
  let line = '';
  for (let i = 0; i < WIDTH; i += 1) {
    if (i > 0) line += ',';
    const value = row[i];
    if (value === null || value === undefined) continue;
    switch (KINDS[i]) {
      case 'text': line += csvField(neutraliseCell(value as string)); break;
      case 'amount': line += toDecimalString(value as number, currency); break;
      case 'occurred_at': line += (value as string) + offsetText(row[WIDTH] as number); break;
      case 'currency': line += (value as string).toUpperCase(); break;
      case 'bool': line += value ? 'true' : 'false'; break;
      default: line += String(value);
    }
  }
  return `${line}\r\n`;
}

const sqlList = (codes: readonly string[]) => codes.map((code) => `'${code}'`).join(', ');

/** The same cells in SQL, for PostgreSQL's COPY to write (donation-export-copy.ts). */
function copyCell(column: Column, currencySql: string): string {
  const { zero, three } = minorUnitCurrencies();
  const exponent = `case when lower(${currencySql}) in (${sqlList(zero)}) then 0 when lower(${currencySql}) in (${sqlList(three)}) then 3 else 2 end`;
  switch (column.kind) {
    // The same guard as neutraliseCell; an empty text is written as nothing, like a null.
    case 'text': return `nullif(case when left(${column.sql}, 1) in ('=', '+', '-', '@', chr(9), chr(13))
      then '''' || ${column.sql} else ${column.sql} end, '')`;
    case 'amount': return `round((${column.sql})::numeric / (10 ^ ${exponent})::numeric, ${exponent})::text`;
    case 'occurred_at': return `${column.sql} || case when ${OFFSET_SQL} < 0 then '-' else '+' end
      || lpad((abs(${OFFSET_SQL}) / 3600)::text, 2, '0') || ':' || lpad((abs(${OFFSET_SQL}) % 3600 / 60)::text, 2, '0')`;
    case 'currency': return `upper(${column.sql})`;
    case 'bool': return `case when ${column.sql} then 'true' else 'false' end`;
    default: return `(${column.sql})::text`;
  }
}

const CURRENCY_SQL = COLUMNS[CURRENCY_AT]?.sql ?? 'le.currency';
/** The select list whose every cell is already the text toCsvLine writes (before CSV quoting). */
export const COPY_SELECT_LIST = COLUMNS.map((c, i) => `${copyCell(c, CURRENCY_SQL)} as c${i}`).join(',\n  ');

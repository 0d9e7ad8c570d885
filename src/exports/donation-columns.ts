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

/**
 * Values each COPY row needs more than once, computed once per row (a lateral subquery that
 * `offset 0` keeps from being folded back into every cell): the local time, its offset from UTC
 * in seconds, and the currency's minor-unit exponent and divisor.
 */
export function copyRowValues(): string {
  const { zero, three } = minorUnitCurrencies();
  const pick = (z: string, t: string, other: string) =>
    `case when le.currency in (${sqlList(zero)}) then ${z} when le.currency in (${sqlList(three)}) then ${t} else ${other} end`;
  return `cross join lateral (select le.occurred_at at time zone o.time_zone as local_time, ${OFFSET_SQL} as utc_offset,
    ${pick('0', '3', '2')} as exponent, ${pick('1', '1000', '100')} as unit offset 0) x`;
}

/** The same cells in SQL, for PostgreSQL's COPY to write (donation-export-query.ts). */
function copyCell(column: Column): string {
  const v = column.sql;
  switch (column.kind) {
    // neutraliseCell's guard (= + - @ tab CR, by code point); an empty text is written as nothing, like a null.
    case 'text': return `case when ascii(${v}) in (61, 43, 45, 64, 9, 13) then '''' || ${v} else nullif(${v}, '') end`;
    // toDecimalString in integers: sign, whole units, then the minor units padded to the exponent.
    case 'amount': return `case when x.exponent = 0 then (${v})::text
      else case when ${v} < 0 then '-' else '' end || (abs(${v}) / x.unit)::text || '.' || lpad((abs(${v}) % x.unit)::text, x.exponent, '0') end`;
    case 'occurred_at': return `to_char(x.local_time, 'YYYY-MM-DD"T"HH24:MI:SS') || case when x.utc_offset < 0 then '-' else '+' end
      || lpad((abs(x.utc_offset) / 3600)::text, 2, '0') || ':' || lpad((abs(x.utc_offset) % 3600 / 60)::text, 2, '0')`;
    case 'currency': return `upper(${v})`;
    case 'bool': return `case when ${v} then 'true' else 'false' end`;
    default: return `(${v})::text`;
  }
}

/** The select list whose every cell is already the text toCsvLine writes (before CSV quoting); it needs copyRowValues' join. */
export const COPY_SELECT_LIST = COLUMNS.map((c, i) => `${copyCell(c)} as c${i}`).join(',\n  ');

/**
 * Money is an integer count of minor units beside an ISO 4217 currency code (lowercase,
 * as Stripe writes it). Nothing here uses floating point: decimal strings are built from
 * integers and Intl formats those strings exactly.
 */

// Stripe's zero-decimal currencies; every other currency Stripe charges in has two,
// except the three-decimal ones below.
const ZERO_DECIMAL = new Set([
  'bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf',
]);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** The currencies whose minor unit is not the cent, for SQL that formats amounts. */
export function minorUnitCurrencies(): { zero: readonly string[]; three: readonly string[] } {
  return { zero: [...ZERO_DECIMAL], three: [...THREE_DECIMAL] };
}

export function minorUnitExponent(currency: string): number {
  const code = currency.toLowerCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

export function assertMinorUnits(amount: number, what = 'amount'): void {
  if (!Number.isSafeInteger(amount)) throw new TypeError(`${what} must be a whole number of minor units, got ${amount}`);
}

/** 2000 usd -> "20.00"; -2000 usd -> "-20.00"; 500 jpy -> "500". */
export function toDecimalString(amount: number, currency: string): string {
  assertMinorUnits(amount);
  const exponent = minorUnitExponent(currency);
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount));
  if (exponent === 0) return sign + digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/** Major units as typed by a person ("20", "20.5", "20.50") -> minor units, or null. */
export function fromDecimalString(text: string, currency: string): number | null {
  const exponent = minorUnitExponent(currency);
  const match = /^(\d{1,12})(?:[.,](\d+))?$/.exec(text.trim());
  if (!match) return null;
  const [, whole = '0', fraction = ''] = match;
  if (fraction.length > exponent) return null;
  const minor = Number(whole + fraction.padEnd(exponent, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

export function formatMoney(amount: number, currency: string, locale: string): string {
  const exponent = minorUnitExponent(currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
    // Intl accepts an exact decimal string, so no float is ever made of the amount.
  }).format(toDecimalString(amount, currency) as unknown as number);
}

/** A processor's fee rule: a rate in basis points (290 = 2.9%) plus a fixed minor-unit amount. */
export interface FeeRule {
  readonly rateBps: number;
  readonly fixed: number;
}

export const DEFAULT_FEE_RULE: FeeRule = { rateBps: 290, fixed: 30 };

/** The fee the processor takes from a charge of `gross`, rounded half up as Stripe does. */
export function processorFee(gross: number, rule: FeeRule): number {
  assertMinorUnits(gross, 'gross');
  return Math.floor((gross * rule.rateBps + 5000) / 10000) + rule.fixed;
}

/**
 * The smallest charge that leaves the organization at least `amount` after the fee:
 * the "cover the fees" total, rounded up to the minor unit.
 */
export function grossUpForFees(amount: number, rule: FeeRule): number {
  assertMinorUnits(amount);
  if (rule.rateBps < 0 || rule.rateBps >= 10000) throw new RangeError('fee rate must be between 0 and 100%');
  const numerator = (amount + rule.fixed) * 10000;
  const denominator = 10000 - rule.rateBps;
  let gross = Math.floor((numerator + denominator - 1) / denominator);
  // The closed form can land one unit off because the fee itself is rounded; settle it exactly.
  while (gross - processorFee(gross, rule) < amount) gross += 1;
  while (gross - 1 - processorFee(gross - 1, rule) >= amount) gross -= 1;
  return gross;
}

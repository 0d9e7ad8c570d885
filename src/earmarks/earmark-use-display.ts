import type { Locale } from '../campaigns/campaign-types';
import { translate } from '../lib/i18n';
import { formatMoney } from '../lib/money';
import type { PublicEarmarkUse } from './earmark-use-service';

/** One line a supporter reads: "12 bus tickets to the Oakland training · $1,140.00". Escaped by the view. */
export function useLine(use: PublicEarmarkUse, currency: string, locale: Locale): string {
  return use.amount == null ? use.text
    : translate(locale, 'uses.withAmount', { text: use.text, amount: formatMoney(use.amount, currency, locale) });
}

export const useLines = (uses: readonly PublicEarmarkUse[], currency: string, locale: Locale): string[] =>
  uses.map((u) => useLine(u, currency, locale));

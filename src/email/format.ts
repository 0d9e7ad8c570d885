import { formatMoney } from '../lib/money';

export type EmailLocale = 'en' | 'es';

/** Supporters are in the United States: Spanish as written there ($20.00, "23 de noviembre de 2026"). */
const INTL_LOCALE: Record<EmailLocale, string> = { en: 'en-US', es: 'es-US' };

export function intlLocale(locale: EmailLocale): string {
  return INTL_LOCALE[locale];
}

export function money(amount: number, currency: string, locale: EmailLocale): string {
  return formatMoney(amount, currency, INTL_LOCALE[locale]);
}

export function longDate(moment: Date, locale: EmailLocale, timeZone: string): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'long', timeZone }).format(moment);
}

/** Whole percent reached, capped for drawing (a bar never runs past its box). */
export function percentOf(raised: number, goal: number | null): number {
  if (!goal || goal <= 0 || raised <= 0) return 0;
  return Math.min(100, Math.floor((raised * 100) / goal));
}

export function asLocale(value: unknown): EmailLocale {
  return value === 'es' ? 'es' : 'en';
}

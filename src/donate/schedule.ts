import { formatMonth, translate, type Locale } from '../lib/i18n';
import { formatMoney } from '../lib/money';
import { addMonthsUtc } from '../lib/months';

/** "March 10, 2027" or "10 de marzo de 2027". */
export function longDateUtc(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'es' ? 'es-US' : 'en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

export interface ScheduleChoice {
  readonly frequency: 'once' | 'monthly';
  readonly installments: number | null;
  /** A monthly gift that ends with the campaign (on `campaignEndsAt`) or when its goal is met. */
  readonly endsWith?: 'campaign_end' | 'goal_met' | null;
  readonly campaignEndsAt?: Date | null;
  /** What each payment charges, in minor units (with the fees when the supporter covers them). */
  readonly charge: number;
  readonly currency: string;
  readonly start: Date;
}

/** "6 payments of $20.00, the last in May 2027", or "$20.00 every month until you cancel". */
export function scheduleInWords(locale: Locale, choice: ScheduleChoice): string {
  const amount = formatMoney(choice.charge, choice.currency, locale);
  if (choice.frequency === 'once') return translate(locale, 'schedule.once', { amount });
  if (choice.installments == null && choice.endsWith === 'campaign_end' && choice.campaignEndsAt) {
    return translate(locale, 'schedule.untilCampaignEnd', { amount, date: longDateUtc(choice.campaignEndsAt, locale) });
  }
  if (choice.installments == null && choice.endsWith === 'goal_met') return translate(locale, 'schedule.untilGoal', { amount });
  if (choice.installments == null) return translate(locale, 'schedule.untilCancelled', { amount });
  const month = formatMonth(addMonthsUtc(choice.start, choice.installments - 1), locale);
  return translate(locale, 'schedule.installments', { count: choice.installments, amount, month });
}

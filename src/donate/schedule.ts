import { formatMonth, translate, type Locale } from '../lib/i18n';
import { formatMoney } from '../lib/money';
import { addMonthsUtc } from '../lib/months';


export interface ScheduleChoice {
  readonly frequency: 'once' | 'monthly';
  readonly installments: number | null;
  /** What each payment charges, in minor units (with the fees when the supporter covers them). */
  readonly charge: number;
  readonly currency: string;
  readonly start: Date;
}

/** "6 payments of $20.00, the last in May 2027", or "$20.00 every month until you cancel". */
export function scheduleInWords(locale: Locale, choice: ScheduleChoice): string {
  const amount = formatMoney(choice.charge, choice.currency, locale);
  if (choice.frequency === 'once') return translate(locale, 'schedule.once', { amount });
  if (choice.installments == null) return translate(locale, 'schedule.untilCancelled', { amount });
  const month = formatMonth(addMonthsUtc(choice.start, choice.installments - 1), locale);
  return translate(locale, 'schedule.installments', { count: choice.installments, amount, month });
}

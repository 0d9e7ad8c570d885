import { formatMonth, messages, pickLocale, translate } from '../../src/lib/i18n';
import { scheduleInWords } from '../../src/donate/schedule';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('locale files', () => {
  it('say every string in both English and Spanish, with the same placeholders', () => {
    const en = messages('en');
    const es = messages('es');
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en)) expect([key, placeholders(es[key] ?? '')]).toEqual([key, placeholders(en[key] ?? '')]);
  });

  it('pick ?lang= first, then Accept-Language, then English', () => {
    const accepts = (choice: string | false) => () => choice;
    expect(pickLocale('es', accepts('en'))).toBe('es');
    expect(pickLocale('fr', accepts('es'))).toBe('es');
    expect(pickLocale(undefined, accepts(false))).toBe('en');
  });
});

describe('the schedule in words', () => {
  const start = new Date(Date.UTC(2026, 10, 30));
  it('names the month of the last payment, in the supporter\'s language', () => {
    const choice = { frequency: 'monthly' as const, installments: 6, charge: 2000, currency: 'usd', start };
    expect(scheduleInWords('en', choice)).toBe('6 payments of $20.00, the last in April 2027');
    expect(scheduleInWords('es', choice).replace(/\u00a0/g, ' ')).toBe('6 pagos de 20,00 US$, el último en abril de 2027');
    expect(scheduleInWords('en', { ...choice, installments: null })).toBe('$20.00 every month until you cancel');
    expect(formatMonth(start, 'es')).toBe('noviembre de 2026');
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
  });
});

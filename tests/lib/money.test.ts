import {
  DEFAULT_FEE_RULE, formatMoney, fromDecimalString, grossUpForFees, minorUnitExponent, processorFee, toDecimalString,
} from '../../src/lib/money';

describe('fee coverage', () => {
  it.each([
    [1000, 1061],
    [2000, 2091],
    [3000, 3120],
    [100, 134],
    [1_000_000, 1_029_897],
  ])('grosses %i up to %i under 2.9%% + 0.30', (amount, gross) => {
    expect(grossUpForFees(amount, DEFAULT_FEE_RULE)).toBe(gross);
    expect(gross - processorFee(gross, DEFAULT_FEE_RULE)).toBeGreaterThanOrEqual(amount);
  });

  it('is the smallest charge that nets the gift, for every amount from 1.00 to 300.00 and several fee rules', () => {
    const rules = [DEFAULT_FEE_RULE, { rateBps: 220, fixed: 30 }, { rateBps: 350, fixed: 15 }, { rateBps: 0, fixed: 0 }];
    for (const rule of rules) {
      for (let amount = 100; amount <= 30_000; amount += 1) {
        const gross = grossUpForFees(amount, rule);
        expect(Number.isSafeInteger(gross)).toBe(true);
        if (gross - processorFee(gross, rule) < amount) throw new Error(`${amount} under ${JSON.stringify(rule)}: ${gross} nets too little`);
        if (gross - 1 - processorFee(gross - 1, rule) >= amount) throw new Error(`${amount}: ${gross} is not the smallest`);
      }
    }
  });

  it('rounds the fee half up as Stripe does', () => {
    expect(processorFee(1000, { rateBps: 250, fixed: 0 })).toBe(25);
    expect(processorFee(1020, { rateBps: 250, fixed: 0 })).toBe(26); // 25.5 -> 26
    expect(processorFee(1019, { rateBps: 250, fixed: 0 })).toBe(25); // 25.475 -> 25
  });
});

describe('amounts as text', () => {
  it('knows each currency\'s minor unit', () => {
    expect([minorUnitExponent('usd'), minorUnitExponent('JPY'), minorUnitExponent('kwd')]).toEqual([2, 0, 3]);
  });

  it.each([
    [2000, 'usd', '20.00'], [-2000, 'usd', '-20.00'], [5, 'usd', '0.05'], [-5, 'usd', '-0.05'], [0, 'usd', '0.00'],
    [500, 'jpy', '500'], [-500, 'jpy', '-500'], [1234, 'kwd', '1.234'], [99_999_999, 'usd', '999999.99'],
  ])('%i %s is "%s"', (amount, currency, text) => {
    expect(toDecimalString(amount, currency)).toBe(text);
    expect(fromDecimalString(text.replace('-', ''), currency)).toBe(Math.abs(amount));
  });

  it('writes the largest safe amount exactly', () => {
    expect(toDecimalString(9_007_199_254_740_991, 'usd')).toBe('90071992547409.91');
  });

  it('refuses what is not a whole number of minor units', () => {
    expect(() => toDecimalString(20.5, 'usd')).toThrow(TypeError);
    expect(fromDecimalString('20.001', 'usd')).toBeNull();
    expect(fromDecimalString('1e3', 'usd')).toBeNull();
    expect(fromDecimalString('20.5', 'jpy')).toBeNull();
  });

  it('formats for the locale without floating point', () => {
    expect(formatMoney(123456, 'usd', 'en-US')).toBe('$1,234.56');
    expect(formatMoney(123456, 'usd', 'es')).toBe('1234,56\u00a0US$');
    expect(formatMoney(2000, 'jpy', 'en-US')).toBe('¥2,000');
    expect(formatMoney(9_007_199_254_740_991, 'usd', 'en-US')).toBe('$90,071,992,547,409.91');
  });
});

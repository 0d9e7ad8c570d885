import { randomBytes } from 'node:crypto';

/** A valid checkout body with a fresh supporter; override any field. */
export function buildCheckoutBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const tag = randomBytes(4).toString('hex');
  return {
    campaign: 'organizer-training',
    earmark: 'travel',
    amount: 2000,
    currency: 'usd',
    frequency: 'once',
    coverFees: false,
    anonymous: false,
    emailUpdates: true,
    locale: 'en',
    note: 'For the Seattle chapter',
    supporter: {
      firstName: 'Ana',
      lastName: 'Pérez',
      email: `ana.${tag}@example.org`,
      phone: '+1 206 555 0100',
      address: { line1: '12 Pine St', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' },
    },
    ...overrides,
  };
}

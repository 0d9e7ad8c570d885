import { z } from 'zod';

const text = (max: number) => z.string('is required').trim().min(1, 'is required').max(max, `must be at most ${max} characters`);
const optionalText = (max: number) =>
  z.string('must be text').trim().max(max, `must be at most ${max} characters`).optional()
    .transform((value) => (value ? value : undefined));

export const addressSchema = z.object({
  line1: text(200),
  line2: optionalText(200),
  city: text(100),
  region: optionalText(100),
  postalCode: text(20),
  country: z.string('is required').trim().toUpperCase().regex(/^[A-Z]{2}$/, 'must be a two-letter country code'),
}, 'must be an address');

export const supporterSchema = z.object({
  firstName: text(100),
  lastName: text(100),
  email: z.string('is required').trim().max(254).pipe(z.email('must be an email address')),
  phone: optionalText(30).pipe(
    z.string().regex(/^\+?[0-9 ().-]{6,30}$/, 'must be a phone number').optional(),
  ),
  address: addressSchema.optional(),
}, 'is required');

export const checkoutRequestSchema = z
  .object({
    campaign: z.string('is required').trim().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a campaign slug'),
    earmark: z.string('must be an earmark code').trim().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be an earmark code').optional(),
    amount: z.number('must be a whole number of cents').int('must be a whole number of cents').positive('must be more than zero'),
    currency: z.string('must be a three-letter currency code').trim().toLowerCase().regex(/^[a-z]{3}$/, 'must be a three-letter currency code').optional(),
    frequency: z.enum(['once', 'monthly'], 'must be once or monthly').default('once'),
    installments: z.number('must be a whole number').int('must be a whole number').min(2, 'must be at least 2').max(60, 'must be at most 60')
      .nullable().optional(),
    /** A monthly gift that ends with the campaign's end date or when its goal is met, instead of on cancel. */
    endsWith: z.enum(['campaign_end', 'goal_met'], 'must be campaign_end or goal_met').nullable().optional(),
    coverFees: z.boolean('must be true or false').default(false),
    anonymous: z.boolean('must be true or false').default(false),
    emailUpdates: z.boolean('must be true or false').default(false),
    locale: z.enum(['en', 'es'], 'must be en or es').default('en'),
    note: optionalText(500),
    supporter: supporterSchema,
  })
  .superRefine((body, ctx) => {
    if (body.installments != null && body.frequency !== 'monthly') {
      ctx.addIssue({ code: 'custom', path: ['installments'], message: 'is only for monthly gifts' });
    }
    if (body.endsWith != null && body.frequency !== 'monthly') {
      ctx.addIssue({ code: 'custom', path: ['endsWith'], message: 'is only for monthly gifts' });
    } else if (body.endsWith != null && body.installments != null) {
      ctx.addIssue({ code: 'custom', path: ['endsWith'], message: 'cannot be combined with installments' });
    }
  });

export type CheckoutRequest = z.infer<typeof checkoutRequestSchema>;

export interface CheckoutResult {
  readonly id: string;
  readonly url: string;
  readonly donationId: string;
}

import { z } from 'zod';
import { organizationSettingsPatchSchema, organizationSettingsSchema } from '../staff/organization-settings-service';

const ZONES = new Set(Intl.supportedValuesOf('timeZone'));

/** An IANA zone Intl knows (its canonical names, and aliases such as Asia/Calcutta); never an offset or abbreviation. */
export function isIanaTimeZone(zone: string): boolean {
  if (ZONES.has(zone) || zone === 'UTC') return true;
  if (!/^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const organizationSlugSchema = z.string().trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a slug: lowercase letters, digits and hyphens, starting with a letter or digit, at most 63');
export const timeZoneSchema = z.string().trim()
  .refine(isIanaTimeZone, 'must be an IANA time zone such as America/Los_Angeles or Europe/Madrid');
const nameSchema = z.string().trim().min(1, 'the name is required').max(200, 'at most 200 characters');
const feeRateBpsSchema = z.number().int('must be a whole number of basis points').min(0, 'must be 0 or more').max(9999, 'must be less than 10000')
  .describe('"Cover the fees" rate in basis points (290 = 2.9%)');
const feeFixedSchema = z.number().int('must be a whole number of minor units').min(0, 'must be 0 or more').max(100_000, 'must be at most 100000')
  .describe('"Cover the fees" fixed part in minor units (30 = $0.30)');
const sponsorFeeBpsSchema = z.number().int('must be a whole number of basis points').min(0, 'must be 0 or more').max(10_000, 'must be at most 10000')
  .describe('The sponsor\'s administrative fee on this organization\'s gifts, in basis points (500 = 5%)');
const receiptTextSchema = z.object({
  en: z.string().trim().max(2000, 'at most 2000 characters').optional(),
  es: z.string().trim().max(2000, 'at most 2000 characters').optional(),
}).strict().describe('The organization\'s own receipt statement; empty means the sponsor\'s');

export const organizationCreateSchema = z.object({
  slug: organizationSlugSchema,
  name: nameSchema,
  timeZone: timeZoneSchema,
  feeRateBps: feeRateBpsSchema.optional(),
  feeFixed: feeFixedSchema.optional(),
  sponsorFeeBps: sponsorFeeBpsSchema.optional(),
  receiptText: receiptTextSchema.optional(),
}).strict();
export type OrganizationCreate = z.infer<typeof organizationCreateSchema>;

/** What only an admin changes: who the organization is, its zone, its fees, whether it is archived. */
export const organizationIdentityPatchSchema = z.object({
  slug: organizationSlugSchema.optional().describe('Fixed once the organization has gifts'),
  name: nameSchema.optional(),
  timeZone: timeZoneSchema.optional(),
  feeRateBps: feeRateBpsSchema.optional(),
  feeFixed: feeFixedSchema.optional(),
  sponsorFeeBps: sponsorFeeBpsSchema.optional(),
  archived: z.boolean().optional().describe('An archived organization\'s campaigns take no gifts; its data stays'),
}).strict();

export const IDENTITY_FIELDS = Object.keys(organizationIdentityPatchSchema.shape) as Array<keyof z.infer<typeof organizationIdentityPatchSchema>>;

export const organizationPatchSchema = organizationSettingsPatchSchema
  .extend(organizationIdentityPatchSchema.shape)
  .extend({ receiptText: receiptTextSchema.optional() })
  .strict();
export type OrganizationPatch = z.infer<typeof organizationPatchSchema>;

export const organizationViewSchema = organizationSettingsSchema.extend({
  timeZone: z.string(), feeRateBps: z.number().int(), feeFixed: z.number().int(), sponsorFeeBps: z.number().int(),
  receiptText: z.object({ en: z.string(), es: z.string() }), archived: z.boolean(), hasGifts: z.boolean(),
});
export type OrganizationView = z.infer<typeof organizationViewSchema>;

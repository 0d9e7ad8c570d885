import { z } from 'zod';
import { organizationSlugSchema, timeZoneSchema } from '../organizations/organization-schemas';
import { einSchema } from '../sponsor/sponsor-schemas';
import { MIN_PASSWORD_LENGTH } from '../staff/user-service';

const text = (max: number, what: string) => z.string().trim().min(1, `${what} is required`).max(max, `at most ${max} characters`);
const email = z.email('must be an email address').trim().toLowerCase().max(320, 'at most 320 characters');

/** Everything the first run asks: the sponsor, the first organization and the first admin. */
export const setupSchema = z.object({
  sponsor: z.object({
    legalName: text(200, 'the legal name'),
    ein: einSchema,
    address: text(500, 'the postal address'),
    contactEmail: email,
    receiptStatement: z.object({
      en: z.string().trim().max(2000, 'at most 2000 characters').default(''),
      es: z.string().trim().max(2000, 'at most 2000 characters').default(''),
    }).default({ en: '', es: '' }),
  }),
  organization: z.object({
    name: text(200, 'the name'),
    slug: organizationSlugSchema,
    timeZone: timeZoneSchema,
  }),
  admin: z.object({
    email,
    password: z.string().min(MIN_PASSWORD_LENGTH, `needs at least ${MIN_PASSWORD_LENGTH} characters`).max(1000).optional(),
  }),
});
export type SetupInput = z.infer<typeof setupSchema>;

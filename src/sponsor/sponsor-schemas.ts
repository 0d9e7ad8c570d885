import { z } from 'zod';

export const einSchema = z.string().trim().regex(/^\d{2}-\d{7}$/, 'must be an EIN like 12-3456789 (NN-NNNNNNN)');

const text = (max: number, what: string) => z.string().trim().min(1, `${what} is required`).max(max, `at most ${max} characters`);

/** The receipt statement the IRS asks for, in both languages a supporter may read. */
export const receiptStatementSchema = z.object({
  en: z.string().trim().max(2000, 'at most 2000 characters'),
  es: z.string().trim().max(2000, 'at most 2000 characters'),
}).strict();

export const sponsorSchema = z.object({
  legalName: text(200, 'the legal name'),
  ein: einSchema,
  address: text(500, 'the postal address'),
  contactEmail: z.email('must be an email address').trim().toLowerCase().max(320),
  receiptStatement: receiptStatementSchema,
});
export type Sponsor = z.infer<typeof sponsorSchema>;

export const sponsorPatchSchema = z.object({
  legalName: text(200, 'the legal name').optional(),
  ein: einSchema.optional(),
  address: text(500, 'the postal address').optional(),
  contactEmail: z.email('must be an email address').trim().toLowerCase().max(320).optional(),
  receiptStatement: receiptStatementSchema.partial().optional(),
}).strict();
export type SponsorPatch = z.infer<typeof sponsorPatchSchema>;

export const DEFAULT_RECEIPT_STATEMENT = {
  en: 'No goods or services were provided in exchange for this contribution. It is tax deductible to the extent allowed by law.',
  es: 'No se proporcionaron bienes ni servicios a cambio de esta contribución. Es deducible de impuestos en la medida que lo permita la ley.',
} as const;

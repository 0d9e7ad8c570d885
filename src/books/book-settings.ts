import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { writeAudit } from '../staff/audit-log';
import type { Principal } from '../staff/principal';
import { jsonColumn } from '../db/json-column';

/**
 * The sponsor's accounts for the journal files: a name (QuickBooks Online matches accounts by
 * name) and a code (Xero matches them by code) for each role the journals post to, and an
 * income account per earmark code (any earmark without one posts to `income`).
 */
const accountSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(100).refine((s) => !s.includes(','), 'must not contain a comma'),
  code: z.string().trim().min(1, 'is required').max(10).regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, dot, dash or underscore'),
});
export type Account = z.infer<typeof accountSchema>;

const earmarkCode = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be an earmark code');

export const bookSettingsSchema = z.object({
  accounts: z.object({
    bank: accountSchema.describe('where Stripe payouts and checks are deposited'),
    stripeClearing: accountSchema.describe("Stripe's balance: what a payout holds beyond its recorded gifts (Stripe's own fees, adjustments)"),
    processorFees: accountSchema.describe("Stripe's fees on gifts, refunds and disputes"),
    sponsorFeeIncome: accountSchema.describe("the sponsor's administrative fee"),
    income: accountSchema.describe('gifts to any earmark without an account of its own'),
    earmarks: z.record(earmarkCode, accountSchema).describe('income account per earmark code'),
  }),
  xeroTaxRate: z.string().trim().min(1, 'is required').max(60).describe("Xero's tax rate name on every journal line"),
});
export type BookSettings = z.infer<typeof bookSettingsSchema>;

export const bookSettingsPatchSchema = z.object({
  accounts: z.object({
    bank: accountSchema, stripeClearing: accountSchema, processorFees: accountSchema, sponsorFeeIncome: accountSchema,
    income: accountSchema, earmarks: z.record(earmarkCode, accountSchema),
  }).partial().optional(),
  xeroTaxRate: z.string().trim().min(1, 'is required').max(60).optional(),
}).strict();
export type BookSettingsPatch = z.infer<typeof bookSettingsPatchSchema>;

export const DEFAULT_BOOK_SETTINGS: BookSettings = {
  accounts: {
    bank: { name: 'Checking', code: '1000' },
    stripeClearing: { name: 'Stripe Clearing', code: '1150' },
    processorFees: { name: 'Merchant Fees', code: '6150' },
    sponsorFeeIncome: { name: 'Fiscal Sponsorship Fee Income', code: '4900' },
    income: { name: 'Contributions', code: '4000' },
    earmarks: {},
  },
  xeroTaxRate: 'Tax Exempt',
};

export async function readBookSettings(db: Knex): Promise<BookSettings> {
  const row = await db('book_settings').where({ id: true }).first('accounts', 'xero_tax_rate');
  if (!row) return DEFAULT_BOOK_SETTINGS;
  const stored = jsonColumn<Partial<BookSettings['accounts']>>(row.accounts);
  return {
    accounts: { ...DEFAULT_BOOK_SETTINGS.accounts, ...stored, earmarks: { ...(stored.earmarks ?? {}) } },
    xeroTaxRate: row.xero_tax_rate,
  };
}

/** The income account of an earmark. */
export const incomeAccount = (settings: BookSettings, earmark: string): Account =>
  settings.accounts.earmarks[earmark] ?? settings.accounts.income;

export async function updateBookSettings(db: Knex, principal: Principal, patch: BookSettingsPatch): Promise<BookSettings> {
  if (principal.role !== 'admin') throw new AppError(403, 'forbidden', 'Only an admin may change the accounts');
  return db.transaction(async (tx) => {
    // The one row, created if need be and locked: two admins' changes apply one after the other.
    await tx('book_settings').insert({ id: true }).onConflict('id').ignore();
    await tx('book_settings').where({ id: true }).forUpdate().first('id');
    const before = await readBookSettings(tx);
    const after: BookSettings = {
      accounts: { ...before.accounts, ...(patch.accounts ?? {}) },
      xeroTaxRate: patch.xeroTaxRate ?? before.xeroTaxRate,
    };
    await tx('book_settings').where({ id: true })
      .update({ accounts: JSON.stringify(after.accounts), xero_tax_rate: after.xeroTaxRate, updated_at: tx.fn.now() });
    await writeAudit(tx, principal, { action: 'books.settings', entityType: 'book_settings', entityId: 'accounts', organizationId: null, before, after });
    return after;
  });
}

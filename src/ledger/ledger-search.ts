import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError } from '../lib/errors';

export const ledgerKindSchema = z.enum(['payment', 'refund', 'dispute', 'dispute_reversal', 'offline']);

export const ledgerSearchSchema = z.object({
  campaign: z.string().max(63).optional(),
  earmark: z.string().max(40).optional(),
  kind: ledgerKindSchema.optional(),
  from: z.iso.date('must be YYYY-MM-DD').optional(),
  to: z.iso.date('must be YYYY-MM-DD').optional().describe('inclusive'),
  q: z.string().trim().max(200).optional().describe('name, email, receipt number or Stripe id'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type LedgerSearch = z.infer<typeof ledgerSearchSchema>;

export const ledgerEntryViewSchema = z.object({
  id: z.number().int(),
  kind: ledgerKindSchema,
  occurredAt: z.string(),
  gross: z.number().int(), fee: z.number().int(), net: z.number().int(), currency: z.string(),
  receiptNumber: z.string().nullable(),
  campaign: z.string(), earmark: z.string(),
  donationId: z.string().nullable(), frequency: z.enum(['once', 'monthly']).nullable(),
  anonymous: z.boolean().describe('the supporter asked not to be named in public; staff still see who'),
  supporter: z.object({ id: z.string(), firstName: z.string(), lastName: z.string(), email: z.string() }),
  paymentMethod: z.string().nullable(), checkNumber: z.string().nullable(), installment: z.number().int().nullable(),
  stripeChargeId: z.string().nullable(), stripeRefundId: z.string().nullable(), stripeInvoiceId: z.string().nullable(),
});

export type LedgerEntryView = z.infer<typeof ledgerEntryViewSchema>;

// The cursor is opaque to clients: the last id seen, base64url-encoded with a version tag.
const encodeCursor = (id: number) => Buffer.from(`v1:${id}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const match = /^v1:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw AppError.invalid([{ field: 'cursor', message: 'is not a cursor this service gave out' }]);
  return Number(match[1]);
}

function baseQuery(db: Knex) {
  return db('ledger_entries as l')
    .join('campaigns as c', 'c.id', 'l.campaign_id')
    .join('earmarks as e', 'e.id', 'l.earmark_id')
    .join('supporters as s', 's.id', 'l.supporter_id')
    .leftJoin('donations as d', 'd.id', 'l.donation_id')
    .select('l.*', 'c.slug as campaign_slug', 'e.code as earmark_code', 'd.frequency', 'd.anonymous',
      's.first_name', 's.last_name', 's.email');
}

function toView(r: Record<string, unknown>): LedgerEntryView & { organizationId: string } {
  return {
    id: Number(r.id), kind: r.kind as LedgerEntryView['kind'], occurredAt: new Date(r.occurred_at as string).toISOString(),
    gross: Number(r.gross), fee: Number(r.fee), net: Number(r.net), currency: r.currency as string,
    receiptNumber: (r.receipt_number as string | null) ?? null, campaign: r.campaign_slug as string, earmark: r.earmark_code as string,
    donationId: (r.donation_id as string | null) ?? null, frequency: (r.frequency as 'once' | 'monthly' | null) ?? null,
    anonymous: Boolean(r.anonymous),
    supporter: { id: r.supporter_id as string, firstName: r.first_name as string, lastName: r.last_name as string, email: r.email as string },
    paymentMethod: (r.payment_method as string | null) ?? null, checkNumber: (r.check_number as string | null) ?? null,
    installment: (r.installment as number | null) ?? null, stripeChargeId: (r.stripe_charge_id as string | null) ?? null,
    stripeRefundId: (r.stripe_refund_id as string | null) ?? null, stripeInvoiceId: (r.stripe_invoice_id as string | null) ?? null,
    organizationId: r.organization_id as string,
  };
}

const strip = ({ organizationId: _o, ...v }: LedgerEntryView & { organizationId: string }): LedgerEntryView => v;

/** Ledger entries newest first, filtered; `organizationId` null means every organization. */
export async function searchLedger(
  db: Knex, organizationId: string | null, search: LedgerSearch,
): Promise<{ data: LedgerEntryView[]; nextCursor: string | null }> {
  const q = baseQuery(db).orderBy('l.id', 'desc').limit(search.limit + 1);
  if (organizationId) q.where('l.organization_id', organizationId);
  if (search.campaign) q.where('c.slug', search.campaign);
  if (search.earmark) q.where('e.code', search.earmark);
  if (search.kind) q.where('l.kind', search.kind);
  if (search.from) q.where('l.occurred_at', '>=', new Date(`${search.from}T00:00:00Z`));
  if (search.to) q.where('l.occurred_at', '<', new Date(new Date(`${search.to}T00:00:00Z`).getTime() + 86_400_000));
  if (search.cursor) q.where('l.id', '<', decodeCursor(search.cursor));
  if (search.q) {
    const text = search.q;
    const like = `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q.where((w) => w
      .whereRaw(`(s.first_name || ' ' || s.last_name) ilike ?`, [like])
      .orWhere('s.email', 'ilike', like)
      .orWhere('l.receipt_number', text)
      .orWhere('l.stripe_charge_id', text).orWhere('l.stripe_refund_id', text).orWhere('l.stripe_invoice_id', text)
      .orWhere('d.stripe_payment_intent_id', text).orWhere('d.stripe_checkout_session_id', text)
      .orWhere('d.stripe_subscription_id', text).orWhere('l.check_number', text));
  }
  const rows = await q;
  const page = rows.slice(0, search.limit).map((r) => strip(toView(r)));
  const last = page.at(-1);
  return { data: page, nextCursor: rows.length > search.limit && last ? encodeCursor(last.id) : null };
}

export async function findLedgerEntry(db: Knex, id: number): Promise<(LedgerEntryView & { organizationId: string }) | null> {
  const row = await baseQuery(db).where('l.id', id).first();
  return row ? toView(row) : null;
}

export async function entriesOfDonation(db: Knex, donationId: string): Promise<LedgerEntryView[]> {
  const rows = await baseQuery(db).where('l.donation_id', donationId).orderBy('l.id');
  return rows.map((r: Record<string, unknown>) => strip(toView(r)));
}

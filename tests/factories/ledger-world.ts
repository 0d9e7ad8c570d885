import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { LedgerKind } from '../../src/ledger/ledger-repository';
import { recordLedgerEntryAlone } from '../../src/ledger/ledger-service';

const tag = () => randomBytes(4).toString('hex');

export interface OrgRef { id: string; slug: string; timeZone: string }
export interface CampaignRef { id: string; slug: string; organizationId: string; currency: string; earmarkId: string; earmarkCode: string }
export interface SupporterRef { id: string; organizationId: string }
export interface DonationRef { id: string; campaign: CampaignRef; supporterId: string }

export async function buildOrganization(db: Knex, overrides: { timeZone?: string; slug?: string } = {}): Promise<OrgRef> {
  const slug = overrides.slug ?? `org-${tag()}`;
  const timeZone = overrides.timeZone ?? 'America/Los_Angeles';
  const [row] = await db('organizations').insert({
    slug, name: `Org ${slug}`,
    time_zone: timeZone,
  }).returning('id');
  return { id: row.id, slug, timeZone };
}

export async function buildCampaign(db: Knex, org: OrgRef, overrides: { currency?: string; slug?: string; earmark?: string } = {}): Promise<CampaignRef> {
  const slug = overrides.slug ?? `campaign-${tag()}`;
  const currency = overrides.currency ?? 'usd';
  const [campaign] = await db('campaigns').insert({
    organization_id: org.id, slug, title_en: slug, title_es: slug, currency, status: 'active',
  }).returning('id');
  const earmarkCode = overrides.earmark ?? 'travel';
  const [earmark] = await db('earmarks').insert({ campaign_id: campaign.id, code: earmarkCode, label_en: 'Travel', label_es: 'Viajes' }).returning('id');
  return { id: campaign.id, slug, organizationId: org.id, currency, earmarkId: earmark.id, earmarkCode };
}

export interface SupporterFields {
  first_name?: string; last_name?: string; email?: string; phone?: string | null; address_line1?: string | null;
  address_line2?: string | null; address_city?: string | null; address_region?: string | null;
  address_postal_code?: string | null; address_country?: string | null;
}

export async function buildSupporter(db: Knex, org: OrgRef, fields: SupporterFields = {}): Promise<SupporterRef> {
  const [row] = await db('supporters').insert({
    organization_id: org.id, first_name: 'Ana', last_name: 'Pérez', email: `ana.${tag()}@example.org`, ...fields,
  }).returning('id');
  return { id: row.id, organizationId: org.id };
}

export async function buildDonation(
  db: Knex, campaign: CampaignRef, supporter: SupporterRef,
  fields: { frequency?: 'once' | 'monthly'; installments?: number | null; anonymous?: boolean; note?: string | null; amount?: number } = {},
): Promise<DonationRef> {
  const amount = fields.amount ?? 2000;
  const [row] = await db('donations').insert({
    campaign_id: campaign.id, earmark_id: campaign.earmarkId, supporter_id: supporter.id, amount, charge_amount: amount,
    currency: campaign.currency, frequency: fields.frequency ?? 'once', installments: fields.installments ?? null,
    anonymous: fields.anonymous ?? false, note: fields.note ?? null, status: 'paid',
  }).returning('id');
  return { id: row.id, campaign, supporterId: supporter.id };
}

let sequence = 0;
export const fakeStripeId = (prefix: string) => `${prefix}_test_${tag()}${(sequence += 1)}`;

export interface EntryFields {
  kind: LedgerKind; gross: number; fee: number; occurredAt: Date;
  installment?: number | null; paymentMethod?: string | null; checkNumber?: string | null;
  stripeChargeId?: string | null; stripeInvoiceId?: string | null; stripeRefundId?: string | null;
  stripeDisputeId?: string | null; stripeBalanceTransactionId?: string | null;
}

/** One ledger entry through the one function that writes them; Stripe kinds get a balance transaction id. */
export async function addEntry(db: Knex, donation: DonationRef | { campaign: CampaignRef; supporterId: string; id: null }, entry: EntryFields): Promise<number> {
  const stripeKind = entry.kind !== 'offline';
  return recordLedgerEntryAlone({ db }, {
    organizationId: donation.campaign.organizationId, campaignId: donation.campaign.id, earmarkId: donation.campaign.earmarkId,
    supporterId: donation.supporterId, donationId: donation.id, currency: donation.campaign.currency,
    ...entry,
    stripeBalanceTransactionId: entry.stripeBalanceTransactionId ?? (stripeKind ? fakeStripeId('txn') : null),
  });
}

import type { Knex } from 'knex';
import type { CampaignView } from '../campaigns/campaign-admin-schemas';
import { bindDb } from '../db/bind-db';
import type { Principal } from '../staff/principal';
import type { PaymentGateway } from '../stripe/payment-types';
import { entriesOfDonation, findLedgerEntry, searchLedger } from './ledger-search';
import { recordOfflineGift } from './offline-gift-service';
import { refundableOf, requestRefund, type RequestedRefund } from './refund-service';
import { campaignTotals, campaignTotalsBySlug, type CampaignTotals } from './totals-service';

/** The ledger as staff read and change it: search, one gift, totals, offline gifts and refunds. */
export function createStaffLedgerService(deps: { readonly db: Knex; readonly gateway: PaymentGateway }) {
  const { db, gateway } = deps;
  return {
    ...bindDb(db, { searchLedger, findLedgerEntry, entriesOfDonation, recordOfflineGift, refundableOf }),
    requestRefund: (principal: Principal, entryId: number, amount: number | undefined): Promise<RequestedRefund> =>
      requestRefund(db, gateway, principal, entryId, amount),
    campaignTotals: (campaign: CampaignView & { id: string; organizationId: string }): Promise<CampaignTotals> =>
      campaignTotals(db, campaign),
    campaignTotalsBySlug: (principal: Principal, slug: string): Promise<CampaignTotals> => campaignTotalsBySlug(db, principal, slug),
    /** The messages a gift has caused, when the emails feature has its table; nothing otherwise. */
    async emailsOf(donationId: string | null): Promise<Array<Record<string, unknown>>> {
      if (!donationId || !(await db.schema.hasTable('emails')) || !(await db.schema.hasColumn('emails', 'donation_id'))) return [];
      const rows: Array<Record<string, unknown>> = await db('emails').where({ donation_id: donationId }).orderBy('created_at').limit(50);
      return rows.map((r) => ({ template: r.template, recipient: r.recipient ?? r.to_address ?? r.to, status: r.status, at: r.created_at }));
    },
  };
}

export type StaffLedgerService = ReturnType<typeof createStaffLedgerService>;

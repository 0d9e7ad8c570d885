import type { Knex } from 'knex';
import { z } from 'zod';
import { insertDonation } from '../donations/donation-repository';
import { AppError } from '../lib/errors';
import { writeAudit } from '../staff/audit-log';
import { assertCanWrite, type Principal } from '../staff/principal';
import { upsertSupporter } from '../supporters/supporter-repository';
import { newEffects } from './ledger-jobs';
import { applyEffects, recordLedgerEntry } from './ledger-service';

export const offlineGiftSchema = z.object({
  campaign: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a campaign slug'),
  earmark: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be an earmark code'),
  amount: z.number().int('must be whole minor units (cents)').positive().max(100_000_000_00),
  method: z.enum(['check', 'cash', 'bank_transfer']),
  checkNumber: z.string().trim().max(40).optional(),
  receivedOn: z.iso.date('must be YYYY-MM-DD').optional().describe('the day the money arrived; today when left out'),
  anonymous: z.boolean().default(false),
  note: z.string().trim().max(500).optional(),
  supporter: z.object({
    firstName: z.string().trim().min(1, 'is required').max(100),
    lastName: z.string().trim().min(1, 'is required').max(100),
    email: z.email('must be an email address').max(320).transform((e) => e.toLowerCase()),
    locale: z.enum(['en', 'es']).default('en'),
  }),
}).refine((g) => g.method !== 'check' || Boolean(g.checkNumber), { path: ['checkNumber'], message: 'is required for a check' });

export type OfflineGift = z.infer<typeof offlineGiftSchema>;

export interface RecordedOfflineGift {
  readonly ledgerEntryId: number;
  readonly donationId: string;
  readonly receiptNumber: string;
}

/**
 * A check, cash or transfer: the supporter (reused by email), a paid one-time donation and its
 * `offline` entry, in one transaction; then, once committed, its receipt number (in entry order
 * with the organization's other gifts) and its milestone check.
 */
export async function recordOfflineGift(db: Knex, principal: Principal, gift: OfflineGift): Promise<RecordedOfflineGift> {
  const effects = newEffects();
  const recorded = await db.transaction(async (tx) => {
    const campaign = await tx('campaigns').where({ slug: gift.campaign }).first('id', 'organization_id', 'currency');
    if (!campaign) throw AppError.notFound('Campaign');
    assertCanWrite(principal, campaign.organization_id);
    const earmark = await tx('earmarks').where({ campaign_id: campaign.id, code: gift.earmark }).first('id');
    if (!earmark) throw AppError.invalid([{ field: 'earmark', message: 'is not an earmark of this campaign' }]);
    const occurredAt = gift.receivedOn ? new Date(`${gift.receivedOn}T12:00:00Z`) : new Date();
    if (occurredAt.getTime() > Date.now() + 86_400_000) throw AppError.invalid([{ field: 'receivedOn', message: 'is in the future' }]);

    const supporter = await upsertSupporter(tx, campaign.organization_id, {
      firstName: gift.supporter.firstName, lastName: gift.supporter.lastName, email: gift.supporter.email,
      locale: gift.supporter.locale, emailUpdates: false,
    });
    const donationId = await insertDonation(tx, {
      campaignId: campaign.id, earmarkId: earmark.id, supporterId: supporter.id, amount: gift.amount, chargeAmount: gift.amount,
      currency: campaign.currency, frequency: 'once', installments: null, coverFees: false, anonymous: gift.anonymous,
      note: gift.note ?? null, locale: gift.supporter.locale,
    });
    await tx('donations').where({ id: donationId }).update({ status: 'paid', status_changed_at: tx.fn.now() });
    const ledgerEntryId = await recordLedgerEntry(tx, effects, {
      kind: 'offline', organizationId: campaign.organization_id, campaignId: campaign.id, earmarkId: earmark.id,
      supporterId: supporter.id, donationId, gross: gift.amount, fee: 0, currency: campaign.currency, occurredAt,
      paymentMethod: gift.method, checkNumber: gift.method === 'check' ? gift.checkNumber ?? null : null,
    });
    return { ledgerEntryId, donationId, organizationId: campaign.organization_id as string };
  });
  await applyEffects({ db }, effects);
  const entry = await db('ledger_entries').where({ id: recorded.ledgerEntryId }).first('receipt_number');
  const { ledgerEntryId, donationId } = recorded;
  await db.transaction((tx) => writeAudit(tx, principal, {
    action: 'offline_gift.record', entityType: 'ledger_entry', entityId: String(ledgerEntryId),
    organizationId: recorded.organizationId, before: null,
    after: { ...gift, donationId, ledgerEntryId, receiptNumber: entry.receipt_number },
  }));
  return { ledgerEntryId, donationId, receiptNumber: entry.receipt_number as string };
}

import type { Knex } from 'knex';
import { countUpdateAudience, listCampaignUpdates } from './campaign-update-audience';
import { bindDb } from '../db/bind-db';
import { queueCampaignBroadcast } from '../email/email-queue';
import { AppError } from '../lib/errors';
import { writeAudit } from '../staff/audit-log';
import { assertCanWrite, type Principal } from '../staff/principal';
import { findCampaignBySlug } from './campaign-repository';

export interface CampaignUpdateInput {
  readonly title: { readonly en?: string | undefined; readonly es?: string | undefined };
  readonly body: { readonly en?: string | undefined; readonly es?: string | undefined };
}

export interface PostedUpdate {
  readonly id: string;
  readonly campaign: string;
  readonly recipients: number;
  readonly postedAt: Date;
}

/**
 * Records an update and queues it, in the same transaction, once to each supporter of the
 * campaign who agreed to updates, in their language (a language left empty borrows the other).
 */
export async function postCampaignUpdate(
  db: Knex, principal: Principal, slug: string, input: CampaignUpdateInput,
): Promise<PostedUpdate> {
  const campaign = await findCampaignBySlug(db, slug);
  if (!campaign) throw AppError.notFound('Campaign');
  assertCanWrite(principal, campaign.organizationId);
  if (campaign.status === 'draft') throw new AppError(409, 'campaign_draft', 'A draft campaign has no supporters to update');
  const pick = (v: { en?: string | undefined; es?: string | undefined }, l: 'en' | 'es') => (v[l] ?? (l === 'en' ? v.es : v.en)) as string;
  return db.transaction(async (tx) => {
    const [row] = await tx('campaign_updates')
      .insert({
        campaign_id: campaign.id, title_en: pick(input.title, 'en'), title_es: pick(input.title, 'es'),
        body_en: pick(input.body, 'en'), body_es: pick(input.body, 'es'), posted_by: principal.label,
      })
      .returning(['id', 'posted_at']);
    const recipients = await queueCampaignBroadcast(tx, {
      keyPrefix: `update:${row.id}`, template: 'campaign_update', campaignId: campaign.id, data: { updateId: row.id },
    });
    await tx('campaign_updates').where({ id: row.id }).update({ recipients });
    await writeAudit(tx, principal, {
      action: 'campaign_update.post', entityType: 'campaign_update', entityId: String(row.id), organizationId: campaign.organizationId,
      before: null, after: { campaign: campaign.slug, title: { en: pick(input.title, 'en'), es: pick(input.title, 'es') }, recipients },
    });
    return { id: row.id, campaign: campaign.slug, recipients, postedAt: row.posted_at };
  });
}

/** Progress updates: who would get one, the ones posted, and posting one. */
export const createCampaignUpdateService = (db: Knex) => bindDb(db, { postCampaignUpdate, listCampaignUpdates, countUpdateAudience });

export type CampaignUpdateService = ReturnType<typeof createCampaignUpdateService>;

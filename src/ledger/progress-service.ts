import type { Knex } from 'knex';
import { findCampaignBySlug } from '../campaigns/campaign-repository';
import type { Locale } from '../campaigns/campaign-types';
import { AppError } from '../lib/errors';

export interface EarmarkProgress {
  readonly code: string;
  readonly label: string;
  readonly goal: number | null;
  readonly raised: number;
}

export interface CampaignProgress {
  readonly campaign: string;
  readonly currency: string;
  readonly goal: number | null;
  readonly raised: number;
  readonly supporters: number;
  readonly earmarks: EarmarkProgress[];
}

/** Raised = the sum of gross over every ledger entry (refunds and disputes are negative). */
export async function campaignProgress(db: Knex, slug: string, locale: Locale): Promise<CampaignProgress> {
  const campaign = await findCampaignBySlug(db, slug);
  if (!campaign || campaign.status === 'draft') throw AppError.notFound('Campaign');

  const sums: Array<{ earmark_id: string; raised: number }> = await db('ledger_entries')
    .where({ campaign_id: campaign.id, currency: campaign.currency })
    .groupBy('earmark_id')
    .select('earmark_id', db.raw('coalesce(sum(gross), 0)::bigint as raised'));
  const byEarmark = new Map(sums.map((s) => [s.earmark_id, Number(s.raised)]));

  const counted = await db('ledger_entries')
    .where({ campaign_id: campaign.id, currency: campaign.currency })
    .whereIn('kind', ['payment', 'offline'])
    .countDistinct<{ n: number }>('supporter_id as n')
    .first();

  const earmarks = campaign.earmarks.map((e) => ({
    code: e.code, label: e.label[locale], goal: e.goal, raised: byEarmark.get(e.id) ?? 0,
  }));
  return {
    campaign: campaign.slug,
    currency: campaign.currency,
    goal: campaign.goal,
    raised: earmarks.reduce((total, e) => total + e.raised, 0),
    supporters: Number(counted?.n ?? 0),
    earmarks,
  };
}

import type { Knex } from 'knex';
import { findCampaignBySlug } from '../campaigns/campaign-repository';
import type { Locale } from '../campaigns/campaign-types';
import { latestUsesByEarmark, type PublicEarmarkUse } from '../earmarks/earmark-use-service';
import { AppError } from '../lib/errors';
import { campaignProgressSums } from './ledger-totals-repository';

export interface EarmarkProgress {
  readonly code: string;
  readonly label: string;
  readonly goal: number | null;
  readonly raised: number;
  /** What this earmark's money paid for, newest first (the latest few), in the asked language. */
  readonly uses: PublicEarmarkUse[];
}

export interface CampaignProgress {
  readonly campaign: string;
  readonly currency: string;
  readonly goal: number | null;
  readonly raised: number;
  readonly supporters: number;
  readonly earmarks: EarmarkProgress[];
}

/** Raised = the sum of gross over every ledger entry (refunds and disputes are negative), read
 * from the running sums the ledger keeps, so a campaign of a million entries answers as fast. */
export async function campaignProgress(db: Knex, slug: string, locale: Locale): Promise<CampaignProgress> {
  const campaign = await findCampaignBySlug(db, slug);
  if (!campaign || campaign.status === 'draft') throw AppError.notFound('Campaign');

  const [{ raisedByEarmark: byEarmark, supporters }, uses] = await Promise.all([
    campaignProgressSums(db, campaign.id, campaign.currency), latestUsesByEarmark(db, campaign.id, locale),
  ]);

  const earmarks = campaign.earmarks.map((e) => ({
    code: e.code, label: e.label[locale], goal: e.goal, raised: byEarmark.get(e.id) ?? 0, uses: uses.get(e.id) ?? [],
  }));
  return {
    campaign: campaign.slug,
    currency: campaign.currency,
    goal: campaign.goal,
    raised: earmarks.reduce((total, e) => total + e.raised, 0),
    supporters,
    earmarks,
  };
}

/** The public progress of a campaign, for the progress API. */
export interface ProgressService {
  campaignProgress(slug: string, locale: Locale): Promise<CampaignProgress>;
}

export function createProgressService(db: Knex): ProgressService {
  return { campaignProgress: (slug, locale) => campaignProgress(db, slug, locale) };
}

import type { Knex } from 'knex';
import { findCampaignWith } from '../campaigns/campaign-repository';
import type { Locale } from '../campaigns/campaign-types';
import { latestUsesColumnSql, latestUsesOf, type PublicEarmarkUse } from '../earmarks/earmark-use-service';
import { AppError } from '../lib/errors';
import { progressSumsColumnSql, progressSumsOf } from './ledger-totals-repository';

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
 * from the running sums the ledger keeps, so a campaign of a million entries answers as fast;
 * the campaign, its sums and its earmarks' latest uses in one statement. */
export async function campaignProgress(db: Knex, slug: string, locale: Locale): Promise<CampaignProgress> {
  const found = await findCampaignWith(db, slug, `${progressSumsColumnSql('c.id', 'c.currency')}, ${latestUsesColumnSql('c.id')}`);
  if (!found || found.campaign.status === 'draft') throw AppError.notFound('Campaign');
  const { campaign, columns } = found;
  const { raisedByEarmark: byEarmark, supporters } = progressSumsOf(columns);
  const uses = latestUsesOf(columns, locale);

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

import type { Knex } from 'knex';
import { useLine } from '../../earmarks/earmark-use-display';
import { usesBetween } from '../../earmarks/earmark-use-service';
import { campaignProgress } from '../../ledger/progress-service';
import { money, percentOf, type EmailLocale } from '../format';
import { ORGANIZATION_COLUMNS, SUPPORTER_COLUMNS, organizationOf, supporterView } from './shared';

export interface BarView {
  readonly label: string;
  readonly raised: string;
  readonly goal: string | null;
  readonly percent: number;
  /** Width of the filled part, at least a sliver so a started bar is visible. */
  readonly width: number;
  readonly rest: number;
  /** The same bar for the plain-text part: twenty cells. */
  readonly textBar: string;
}

function bar(label: string, raised: number, goal: number | null, currency: string, locale: EmailLocale): BarView {
  const percent = percentOf(raised, goal);
  const width = percent === 0 ? 0 : Math.max(2, percent);
  return {
    label, raised: money(raised, currency, locale), goal: goal == null ? null : money(goal, currency, locale),
    percent, width, rest: 100 - width,
    textBar: `[${'#'.repeat(Math.floor(percent / 5))}${'-'.repeat(20 - Math.floor(percent / 5))}]`,
  };
}

/** A campaign, its progress bars (drawn in HTML/CSS, no images) and the reader's unsubscribe link. */
async function loadCampaignModel(db: Knex, campaignId: string, supporterId: string, locale: EmailLocale, publicUrl: string) {
  const row = await db('campaigns as c')
    .join('organizations as o', 'o.id', 'c.organization_id')
    .join('supporters as s', 's.organization_id', 'o.id')
    .where({ 'c.id': campaignId, 's.id': supporterId })
    .first(['c.slug', 'c.title_en', 'c.title_es', ...SUPPORTER_COLUMNS, ...ORGANIZATION_COLUMNS]);
  if (!row) throw new Error(`campaign ${campaignId} or supporter ${supporterId} does not exist`);
  const progress = await campaignProgress(db, String(row.slug), locale);
  const bars = [
    bar(String(row[`title_${locale}`]), progress.raised, progress.goal, progress.currency, locale),
    ...progress.earmarks.filter((e) => e.goal != null).map((e) => bar(e.label, e.raised, e.goal, progress.currency, locale)),
  ];
  return {
    locale,
    organization: await organizationOf(db, row, locale),
    supporter: supporterView(row),
    campaign: { title: String(row[`title_${locale}`]), url: `${publicUrl}/donate/${String(row.slug)}?lang=${locale}` },
    progress: { overall: bars[0] as BarView, earmarks: bars.slice(1), supporters: progress.supporters },
    unsubscribeUrl: `${publicUrl}/unsubscribe/${String(row.unsubscribe_token)}`,
  };
}

/** Body text as typed by staff: paragraphs split on blank lines, each escaped by the template. */
function paragraphs(text: string): string[] {
  return text.split(/\r?\n\s*\r?\n/).map((p) => p.trim()).filter(Boolean);
}

export async function loadUpdateModel(
  db: Knex, e: { campaignId: string; supporterId: string; updateId: string }, locale: EmailLocale, publicUrl: string,
) {
  const update = await db('campaign_updates').where({ id: e.updateId }).first();
  if (!update) throw new Error(`campaign update ${e.updateId} does not exist`);
  const body = String(update[`body_${locale}`]);
  const model = await loadCampaignModel(db, e.campaignId, e.supporterId, locale, publicUrl);
  return { ...model, update: { title: String(update[`title_${locale}`]), paragraphs: paragraphs(body), body }, paidFor: await paidForSince(db, update, locale) };
}

/** What the money paid for since the campaign's previous update (or ever, for its first), as lines per earmark. */
async function paidForSince(db: Knex, update: { id: string; campaign_id: string; posted_at: Date }, locale: EmailLocale) {
  const previous = await db('campaign_updates').where({ campaign_id: update.campaign_id }).where('posted_at', '<', update.posted_at)
    .max({ at: 'posted_at' }).first();
  const currency = String((await db('campaigns').where({ id: update.campaign_id }).first('currency')).currency);
  const uses = await usesBetween(db, update.campaign_id, previous?.at ? new Date(previous.at) : null, new Date(update.posted_at), locale);
  return uses.map((u) => ({ earmark: u.earmark, line: useLine(u, currency, locale) }));
}

export async function loadMilestoneModel(
  db: Knex, e: { campaignId: string; supporterId: string; milestoneId: number }, locale: EmailLocale, publicUrl: string,
) {
  const milestone = await db('milestones as m').leftJoin('earmarks as e', 'e.id', 'm.earmark_id')
    .where('m.id', e.milestoneId).first('m.step', 'm.goal', 'e.label_en', 'e.label_es');
  if (!milestone) throw new Error(`milestone ${e.milestoneId} does not exist`);
  const model = await loadCampaignModel(db, e.campaignId, e.supporterId, locale, publicUrl);
  const earmark = milestone.label_en ? String(milestone[`label_${locale}`]) : null;
  return { ...model, milestone: { step: Number(milestone.step), earmark, complete: Number(milestone.step) >= 100 } };
}

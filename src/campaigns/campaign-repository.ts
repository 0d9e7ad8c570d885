import type { Knex } from 'knex';
import type { Campaign, Earmark } from './campaign-types';

interface CampaignRow {
  id: string; organization_id: string; slug: string; title_en: string; title_es: string;
  currency: string; goal: number | null; status: Campaign['status'];
  starts_at: Date | null; ends_at: Date | null; preset_amounts: Array<string | number>;
  monthly_enabled: boolean; min_amount: number; max_amount: number;
  fee_rate_bps: number; fee_fixed: number;
}

interface EarmarkRow { id: string; code: string; label_en: string; label_es: string; goal: number | null }

export function toEarmark(row: EarmarkRow): Earmark {
  return { id: row.id, code: row.code, label: { en: row.label_en, es: row.label_es }, goal: row.goal };
}

export async function findCampaignBySlug(db: Knex, slug: string): Promise<Campaign | null> {
  return (await findCampaignWith(db, slug, null))?.campaign ?? null;
}

/**
 * The campaign, with more columns computed in the same statement from its row `c` (SQL naming
 * `c.id`, `c.currency`, …): the public progress reads the campaign and its figures in one trip.
 */
export async function findCampaignWith(
  db: Knex, slug: string, columnsSql: string | null,
): Promise<{ campaign: Campaign; columns: Record<string, unknown> } | null> {
  // The earmarks in the campaign's own row: one round trip for every form, page and progress read.
  const row = await db<CampaignRow>('campaigns as c')
    .join('organizations as o', 'o.id', 'c.organization_id')
    .where('c.slug', slug)
    .modify((q) => { if (columnsSql) q.select(db.raw(columnsSql)); })
    .first<(CampaignRow & { earmarks: EarmarkRow[] } & Record<string, unknown>) | undefined>('c.*', 'o.fee_rate_bps', 'o.fee_fixed', db.raw(`coalesce((select
        json_agg(json_build_object('id', e.id, 'code', e.code, 'label_en', e.label_en, 'label_es', e.label_es, 'goal', e.goal)
          order by e.position, e.code)
      from earmarks e where e.campaign_id = c.id), '[]'::json) as earmarks`));
  if (!row) return null;
  const earmarks = row.earmarks;
  const campaign: Campaign = {
    id: row.id,
    organizationId: row.organization_id,
    slug: row.slug,
    title: { en: row.title_en, es: row.title_es },
    currency: row.currency,
    goal: row.goal,
    status: row.status,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    // bigint[] arrives as strings from pg; the values are small amounts in minor units.
    presetAmounts: row.preset_amounts.map(Number),
    monthlyEnabled: row.monthly_enabled,
    minAmount: row.min_amount,
    maxAmount: row.max_amount,
    feeRule: { rateBps: row.fee_rate_bps, fixed: row.fee_fixed },
    earmarks: earmarks.map(toEarmark),
  };
  return { campaign, columns: row };
}

import type { Knex } from 'knex';
import type { CampaignView } from '../campaigns/campaign-admin-schemas';

export interface MoneyFigures {
  /** Money received: payments, offline gifts and won disputes' returns are not counted here. */
  readonly gross: number;
  readonly fees: number;
  readonly net: number;
  /** Refunded to supporters, as a positive amount. */
  readonly refunded: number;
  /** Lost to disputes net of disputes won, as a positive amount. */
  readonly disputed: number;
  /** The sum of every entry's gross: the public progress figure. */
  readonly raised: number;
}

export interface CampaignTotals extends MoneyFigures {
  readonly campaign: string;
  readonly currency: string;
  readonly goal: number | null;
  readonly entries: number;
  readonly earmarks: Array<MoneyFigures & { code: string; label: string; goal: number | null }>;
  readonly months: Array<MoneyFigures & { month: string }>;
  readonly frequencies: { once: MoneyFigures; monthly: MoneyFigures };
  readonly monthlySupporters: { active: number; failing: number; ended: number };
}

interface SumRow {
  earmark_id: string | null; month: string | null; frequency: string | null;
  g_earmark: number; g_month: number; g_frequency: number;
  gross: number; fees: number; net: number; refunded: number; disputed: number; raised: number; entries: number;
}

const figures = (r: SumRow | undefined): MoneyFigures => ({
  gross: Number(r?.gross ?? 0), fees: Number(r?.fees ?? 0), net: Number(r?.net ?? 0),
  refunded: Number(r?.refunded ?? 0), disputed: Number(r?.disputed ?? 0), raised: Number(r?.raised ?? 0),
});

/**
 * Every figure is a SQL aggregate over the campaign's ledger entries in one pass (grouping
 * sets for the whole, each earmark, each month in the organization's time zone and each
 * frequency), plus the monthly gifts' statuses from donations.
 */
export async function campaignTotals(db: Knex, campaign: CampaignView & { id: string; organizationId: string }): Promise<CampaignTotals> {
  const { rows } = await db.raw(
    `select l.earmark_id, to_char(l.occurred_at at time zone o.time_zone, 'YYYY-MM') as month, coalesce(d.frequency, 'once') as frequency,
       grouping(l.earmark_id) as g_earmark,
       grouping(to_char(l.occurred_at at time zone o.time_zone, 'YYYY-MM')) as g_month,
       grouping(coalesce(d.frequency, 'once')) as g_frequency,
       count(*)::bigint as entries,
       coalesce(sum(l.gross) filter (where l.kind in ('payment', 'offline')), 0)::bigint as gross,
       coalesce(sum(l.fee), 0)::bigint as fees,
       coalesce(sum(l.net), 0)::bigint as net,
       coalesce(-sum(l.gross) filter (where l.kind = 'refund'), 0)::bigint as refunded,
       coalesce(-sum(l.gross) filter (where l.kind in ('dispute', 'dispute_reversal')), 0)::bigint as disputed,
       coalesce(sum(l.gross), 0)::bigint as raised
     from ledger_entries l
     join organizations o on o.id = l.organization_id
     left join donations d on d.id = l.donation_id
     where l.campaign_id = ? and l.currency = ?
     group by grouping sets ((), (l.earmark_id), (to_char(l.occurred_at at time zone o.time_zone, 'YYYY-MM')), (coalesce(d.frequency, 'once')))`,
    [campaign.id, campaign.currency],
  ) as { rows: SumRow[] };
  const whole = rows.find((r) => Number(r.g_earmark) === 1 && Number(r.g_month) === 1 && Number(r.g_frequency) === 1);
  const byEarmark = new Map(rows.filter((r) => Number(r.g_earmark) === 0).map((r) => [r.earmark_id, r]));
  const months = rows.filter((r) => Number(r.g_month) === 0)
    .sort((a, b) => String(a.month).localeCompare(String(b.month)))
    .map((r) => ({ month: String(r.month), ...figures(r) }));
  const byFrequency = new Map(rows.filter((r) => Number(r.g_frequency) === 0).map((r) => [r.frequency, r]));

  const earmarkIds: Array<{ id: string; code: string }> = await db('earmarks').where({ campaign_id: campaign.id }).select('id', 'code');
  const idByCode = new Map(earmarkIds.map((e) => [e.code, e.id]));

  const statuses: Array<{ status: string; n: number }> = await db('donations')
    .where({ campaign_id: campaign.id, frequency: 'monthly' })
    .whereIn('status', ['active', 'failing', 'completed', 'cancelled'])
    .groupBy('status').select('status', db.raw('count(distinct supporter_id)::bigint as n'));
  const count = (...names: string[]) => statuses.filter((s) => names.includes(s.status)).reduce((t, s) => t + Number(s.n), 0);

  return {
    campaign: campaign.slug,
    currency: campaign.currency,
    goal: campaign.goal,
    entries: Number(whole?.entries ?? 0),
    ...figures(whole),
    earmarks: campaign.earmarks.map((e) => ({
      code: e.code, label: e.label.en, goal: e.goal, ...figures(byEarmark.get(idByCode.get(e.code) ?? '')),
    })),
    months,
    // An entry with no donation counts as one-time (every offline gift has a one-time donation anyway).
    frequencies: { once: figures(byFrequency.get('once')), monthly: figures(byFrequency.get('monthly')) },
    monthlySupporters: { active: count('active'), failing: count('failing'), ended: count('completed', 'cancelled') },
  };
}

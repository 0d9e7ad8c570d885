import type { Knex } from 'knex';
import type { CampaignView } from '../campaigns/campaign-admin-schemas';
import { VersionedCache } from './versioned-cache';

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
  /** The fiscal sponsor's administrative fee, each entry's as charged (negative on refunds). */
  readonly sponsorFee: number;
  /** What the organization keeps: net less the sponsor's fee. */
  readonly netToOrganization: number;
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
  sponsor_fee: number;
}

const figures = (r: SumRow | undefined): MoneyFigures => ({
  gross: Number(r?.gross ?? 0), fees: Number(r?.fees ?? 0), net: Number(r?.net ?? 0),
  refunded: Number(r?.refunded ?? 0), disputed: Number(r?.disputed ?? 0), raised: Number(r?.raised ?? 0),
  sponsorFee: Number(r?.sponsor_fee ?? 0), netToOrganization: Number(r?.net ?? 0) - Number(r?.sponsor_fee ?? 0),
});

interface LedgerSums {
  readonly rows: SumRow[];
  readonly earmarkIds: Array<{ id: string; code: string }>;
}

/**
 * The ledger's figures as SQL aggregates over the campaign's entries in one pass: grouping sets
 * for the whole, each earmark, each month in the organization's time zone and each frequency.
 */
async function ledgerSums(db: Knex, campaignId: string, organizationId: string, currency: string): Promise<LedgerSums> {
  const org = await db('organizations').where({ id: organizationId }).first('time_zone');
  const month = `to_char(l.occurred_at at time zone '${String(org?.time_zone ?? 'UTC').replace(/'/g, "''")}', 'YYYY-MM')`;
  const { rows } = await db.raw(
    `select l.earmark_id, ${month} as month, coalesce(d.frequency, 'once') as frequency,
       grouping(l.earmark_id) as g_earmark, grouping(${month}) as g_month, grouping(coalesce(d.frequency, 'once')) as g_frequency,
       count(*)::bigint as entries,
       coalesce(sum(l.gross) filter (where l.kind in ('payment', 'offline')), 0)::bigint as gross,
       coalesce(sum(l.fee), 0)::bigint as fees,
       coalesce(sum(l.net), 0)::bigint as net,
       coalesce(-sum(l.gross) filter (where l.kind = 'refund'), 0)::bigint as refunded,
       coalesce(-sum(l.gross) filter (where l.kind in ('dispute', 'dispute_reversal')), 0)::bigint as disputed,
       coalesce(sum(l.gross), 0)::bigint as raised,
       coalesce(sum(l.sponsor_fee), 0)::bigint as sponsor_fee
     from ledger_entries l
     left join donations d on d.id = l.donation_id and d.campaign_id = :campaignId
     where l.campaign_id = :campaignId and l.currency = :currency
     group by grouping sets ((), (l.earmark_id), (${month}), (coalesce(d.frequency, 'once')))`,
    { campaignId, currency },
  ) as { rows: SumRow[] };
  const earmarkIds: Array<{ id: string; code: string }> = await db('earmarks').where({ campaign_id: campaignId }).select('id', 'code');
  return { rows, earmarkIds };
}

/** The campaign's latest ledger entry id: an index lookup that moves whenever the sums can. */
export async function ledgerVersion(db: Knex, campaignId: string): Promise<string> {
  const row = await db('ledger_entries').where({ campaign_id: campaignId }).max<{ v: number | null }>('id as v').first();
  return String(row?.v ?? 0);
}

export function createTotalsCache(): VersionedCache<LedgerSums> {
  return new VersionedCache<LedgerSums>();
}

/**
 * Every money figure comes from the ledger (cached per campaign until a new entry lands); the
 * monthly gifts' statuses come from donations, read fresh from an index each time.
 */
export async function campaignTotals(
  db: Knex, campaign: CampaignView & { id: string; organizationId: string }, cache: VersionedCache<LedgerSums> | null = null,
): Promise<CampaignTotals> {
  const compute = () => ledgerSums(db, campaign.id, campaign.organizationId, campaign.currency);
  const { rows, earmarkIds } = cache
    ? await cache.get(`${campaign.id}:${campaign.currency}`, await ledgerVersion(db, campaign.id), compute)
    : await compute();
  const whole = rows.find((r) => Number(r.g_earmark) === 1 && Number(r.g_month) === 1 && Number(r.g_frequency) === 1);
  const byEarmark = new Map(rows.filter((r) => Number(r.g_earmark) === 0).map((r) => [r.earmark_id, r]));
  const months = rows.filter((r) => Number(r.g_month) === 0)
    .sort((a, b) => String(a.month).localeCompare(String(b.month)))
    .map((r) => ({ month: String(r.month), ...figures(r) }));
  const byFrequency = new Map(rows.filter((r) => Number(r.g_frequency) === 0).map((r) => [r.frequency, r]));
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

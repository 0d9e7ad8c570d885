import type { Knex } from 'knex';
import type { CampaignView } from '../campaigns/campaign-admin-schemas';
import { readCampaignWith } from '../campaigns/campaign-admin-service';
import type { Principal } from '../staff/principal';
import {
  readCampaignTotals, totalsColumnSql, totalsReadOf, type CampaignTotalsRead, type TotalsRow,
} from './ledger-totals-repository';

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
  /** The sponsor's administrative fee, charged on each entry at its own rate (negative on refunds). */
  readonly sponsorFee: number;
  /** Net less the sponsor's fee: what the organization is owed. */
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

const figures = (r: TotalsRow | undefined): MoneyFigures => ({
  gross: r?.gross ?? 0, fees: r?.fees ?? 0, net: r?.net ?? 0, refunded: r?.refunded ?? 0, disputed: r?.disputed ?? 0, raised: r?.raised ?? 0,
  sponsorFee: r?.sponsor_fee ?? 0, netToOrganization: (r?.net ?? 0) - (r?.sponsor_fee ?? 0),
});

type StaffCampaign = CampaignView & { id: string; organizationId: string };

/**
 * Every money figure comes from the ledger's running sums (ledger_totals, kept by a trigger as
 * entries are appended); the monthly supporters by status from counts a trigger on donations
 * keeps (campaign_monthly_counts).
 */
export async function campaignTotals(db: Knex, campaign: StaffCampaign): Promise<CampaignTotals> {
  return totalsOf(campaign, await readCampaignTotals(db, campaign.id, campaign.currency));
}

/** The campaign a principal may read and its totals, in one statement (the staff totals API). */
export async function campaignTotalsBySlug(db: Knex, principal: Principal, slug: string): Promise<CampaignTotals> {
  const { campaign, columns } = await readCampaignWith(db, principal, slug, totalsColumnSql('c.id', 'c.currency'));
  return totalsOf(campaign, totalsReadOf(columns));
}

function totalsOf(campaign: StaffCampaign, { rows, earmarkIds, statuses }: CampaignTotalsRead): CampaignTotals {
  const whole = rows.find((r) => r.level === 'whole');
  const byEarmark = new Map(rows.filter((r) => r.level === 'earmark').map((r) => [r.earmarkId, r]));
  const months = rows.filter((r) => r.level === 'month')
    .sort((a, b) => String(a.month).localeCompare(String(b.month)))
    .map((r) => ({ month: String(r.month), ...figures(r) }));
  const byFrequency = new Map(rows.filter((r) => r.level === 'frequency').map((r) => [r.frequency, r]));
  const idByCode = new Map(earmarkIds.map((e) => [e.code, e.id]));

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

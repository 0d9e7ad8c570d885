import type { Knex } from 'knex';

/** One group of the running sums (see the ledger_totals migration); every figure in minor units. */
export interface TotalsRow {
  readonly earmarkId: string | null;
  readonly month: string | null;
  readonly frequency: string | null;
  readonly level: 'whole' | 'earmark' | 'month' | 'frequency';
  readonly entries: number;
  readonly gross: number;
  readonly fees: number;
  readonly net: number;
  readonly refunded: number;
  readonly disputed: number;
  readonly raised: number;
  readonly sponsor_fee: number;
}

/** The summed columns of ledger_totals; one more (a sponsor fee) is one more name here. */
export const SUMMED = ['entries', 'gross', 'fees', 'net', 'refunded', 'disputed', 'raised', 'sponsor_fee'] as const;

export interface CampaignTotalsRead {
  readonly rows: TotalsRow[];
  readonly earmarkIds: ReadonlyArray<{ id: string; code: string }>;
  /** Monthly supporters by donation status (only the statuses the totals show). */
  readonly statuses: ReadonlyArray<{ status: string; n: number }>;
}

const sums = SUMMED.map((c) => `coalesce(sum(${c}), 0)::bigint as ${c}`).join(', ');

/**
 * The three columns of a campaign's totals (`totals_rows`, `totals_earmarks`, `totals_statuses`),
 * as subqueries over two SQL expressions for the campaign's id and currency: bound parameters, or
 * the columns of a campaign row read in the same statement.
 */
export function totalsColumnsSql(campaignId: string, currency: string): string {
  return `(select coalesce(json_agg(g), '[]') from (
       select earmark_id, month, frequency, grouping(earmark_id) as ge, grouping(month) as gm, grouping(frequency) as gf, ${sums}
       from ledger_totals where campaign_id = ${campaignId} and currency = ${currency} and frequency <> ''
       group by grouping sets ((), (earmark_id), (month), (frequency))) g) as totals_rows,
     (select coalesce(json_agg(json_build_object('id', id, 'code', code)), '[]') from earmarks where campaign_id = ${campaignId}) as totals_earmarks,
     (select coalesce(json_agg(s), '[]') from (
       select status, sum(supporters)::bigint as n from campaign_monthly_counts
       where campaign_id = ${campaignId} and status in ('active', 'failing', 'completed', 'cancelled')
       group by status) s) as totals_statuses`;
}

/** The totals columns of one result row, parsed (pg gives json as objects, PGlite may give text). */
export function totalsReadOf(row: Record<string, unknown>): CampaignTotalsRead {
  const parsed = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as Array<Record<string, unknown>>;
  return {
    rows: parsed(row.totals_rows).map((r) => ({
      earmarkId: Number(r.ge) === 0 ? String(r.earmark_id) : null,
      month: Number(r.gm) === 0 ? String(r.month) : null,
      frequency: Number(r.gf) === 0 ? String(r.frequency) : null,
      level: Number(r.ge) === 0 ? 'earmark' : Number(r.gm) === 0 ? 'month' : Number(r.gf) === 0 ? 'frequency' : 'whole',
      ...Object.fromEntries(SUMMED.map((c) => [c, Number(r[c])])),
    }) as TotalsRow),
    earmarkIds: parsed(row.totals_earmarks).map((e) => ({ id: String(e.id), code: String(e.code) })),
    statuses: parsed(row.totals_statuses).map((r) => ({ status: String(r.status), n: Number(r.n) })),
  };
}

/**
 * A campaign's figures from its running sums: the whole, each earmark, each month (in the
 * organization's time zone) and each frequency, from a few hundred rows whatever the ledger's
 * size; with its earmarks' ids and its monthly supporters' counts, in one statement, because a
 * staff read's time is mostly round trips.
 */
export async function readCampaignTotals(db: Knex, campaignId: string, currency: string): Promise<CampaignTotalsRead> {
  const { rows } = await db.raw(`select ${totalsColumnsSql(':campaign', ':currency')}`, { campaign: campaignId, currency }) as
    { rows: Array<Record<string, unknown>> };
  return totalsReadOf(rows[0] as Record<string, unknown>);
}

/**
 * Raised per earmark and distinct supporters who gave, for the public progress: one column
 * (`progress_sums`) over SQL expressions for the campaign's id and currency.
 */
export function progressSumsColumnSql(campaignId: string, currency: string): string {
  return `(select coalesce(json_agg(p), '[]') from (
       select case when frequency = '' then null else earmark_id end as earmark_id,
         coalesce(sum(raised), 0)::bigint as raised, coalesce(sum(supporters), 0)::bigint as supporters
       from ledger_totals where campaign_id = ${campaignId} and currency = ${currency} group by 1) p) as progress_sums`;
}

export function progressSumsOf(row: Record<string, unknown>): { raisedByEarmark: Map<string, number>; supporters: number } {
  const value = row.progress_sums;
  const sums = (typeof value === 'string' ? JSON.parse(value) : value) as Array<{ earmark_id: string | null; raised: number; supporters: number }>;
  return {
    raisedByEarmark: new Map(sums.filter((r) => r.earmark_id).map((r) => [String(r.earmark_id), Number(r.raised)])),
    supporters: sums.reduce((n, r) => n + Number(r.supporters), 0),
  };
}

/** After a bulk load that skipped triggers (a benchmark's generate_series), recompute every sum. */
export async function rebuildLedgerTotals(db: Knex): Promise<void> {
  await db.raw('select ledger_totals_rebuild()');
}

/** After an organization's time zone changed, in that transaction: its campaigns' sums, by the new zone's months. */
export async function rebuildOrganizationTotals(tx: Knex, organizationId: string): Promise<void> {
  await tx.raw('select ledger_totals_rebuild_organization(?)', [organizationId]);
}

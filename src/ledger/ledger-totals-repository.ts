import type { Knex } from 'knex';
import { jsonColumn } from '../db/json-column';

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

/** The summed columns of ledger_totals; one more (a sponsor fee) is one more name here and in campaign_totals_json. */
export const SUMMED = ['entries', 'gross', 'fees', 'net', 'refunded', 'disputed', 'raised', 'sponsor_fee'] as const;

export interface CampaignTotalsRead {
  readonly rows: TotalsRow[];
  readonly earmarkIds: ReadonlyArray<{ id: string; code: string }>;
  /** Monthly supporters by donation status (only the statuses the totals show). */
  readonly statuses: ReadonlyArray<{ status: string; n: number }>;
}

/** The campaign's totals as one column, `totals`, over SQL for its id and currency (bound
 * parameters, or a campaign row's columns in the same statement); see campaign_totals_json. */
export function totalsColumnSql(campaignId: string, currency: string): string {
  return `campaign_totals_json(${campaignId}, ${currency}) as totals`;
}

/** The `totals` column of one result row, parsed. */
export function totalsReadOf(row: Record<string, unknown>): CampaignTotalsRead {
  const totals = jsonColumn<{ rows: Array<Record<string, unknown>>; earmarks: Array<Record<string, unknown>>; statuses: Array<Record<string, unknown>> }>(row.totals);
  return {
    rows: totals.rows.map((r) => ({
      earmarkId: Number(r.ge) === 0 ? String(r.earmark_id) : null,
      month: Number(r.gm) === 0 ? String(r.month) : null,
      frequency: Number(r.gf) === 0 ? String(r.frequency) : null,
      level: Number(r.ge) === 0 ? 'earmark' : Number(r.gm) === 0 ? 'month' : Number(r.gf) === 0 ? 'frequency' : 'whole',
      ...Object.fromEntries(SUMMED.map((c) => [c, Number(r[c])])),
    }) as TotalsRow),
    earmarkIds: totals.earmarks.map((e) => ({ id: String(e.id), code: String(e.code) })),
    statuses: totals.statuses.map((r) => ({ status: String(r.status), n: Number(r.n) })),
  };
}

/**
 * A campaign's figures from its running sums: the whole, each earmark, each month (in the
 * organization's time zone) and each frequency, from a few hundred rows whatever the ledger's
 * size; with its earmarks' ids and its monthly supporters' counts, in one statement, because a
 * staff read's time is mostly round trips.
 */
export async function readCampaignTotals(db: Knex, campaignId: string, currency: string): Promise<CampaignTotalsRead> {
  const { rows } = await db.raw(`select ${totalsColumnSql('?', '?')}`, [campaignId, currency]) as { rows: Array<Record<string, unknown>> };
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
  const sums = jsonColumn<Array<{ earmark_id: string | null; raised: number; supporters: number }>>(row.progress_sums);
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

import type { Knex } from 'knex';
import { eraseSupporter } from './supporter-erasure';

export interface RetentionCandidate {
  readonly supporterId: string;
  readonly organizationSlug: string;
  readonly lastActivityAt: Date;
  readonly retentionYears: number;
}

/**
 * Supporters whose last gift (or, with none, their last donation attempt) is older than their
 * organization's retention period. A monthly gift still running keeps its supporter.
 */
export async function findSupportersPastRetention(db: Knex, now: Date): Promise<RetentionCandidate[]> {
  const rows = await db.raw(`
    select s.id as supporter_id, o.slug as organization_slug, o.retention_years,
           greatest(max(d.created_at), max(l.occurred_at), s.created_at) as last_activity_at
      from supporters s
      join organizations o on o.id = s.organization_id
      left join donations d on d.supporter_id = s.id
      left join ledger_entries l on l.supporter_id = s.id
     where s.erased_at is null
     group by s.id, o.slug, o.retention_years
    having greatest(max(d.created_at), max(l.occurred_at), s.created_at)
             < ?::timestamptz - make_interval(years => o.retention_years)
       and not bool_or(coalesce(d.status in ('active', 'failing'), false))
     order by o.slug, last_activity_at`, [now.toISOString()]);
  return (rows.rows as Array<Record<string, unknown>>).map((r) => ({
    supporterId: String(r.supporter_id),
    organizationSlug: String(r.organization_slug),
    lastActivityAt: new Date(r.last_activity_at as string | Date),
    retentionYears: Number(r.retention_years),
  }));
}

export interface PurgeResult {
  readonly candidates: RetentionCandidate[];
  readonly erased: number;
}

export async function purgeExpiredSupporters(db: Knex, options: { now: Date; dryRun: boolean }): Promise<PurgeResult> {
  const candidates = await findSupportersPastRetention(db, options.now);
  if (options.dryRun) return { candidates, erased: 0 };
  let erased = 0;
  for (const candidate of candidates) {
    await db.transaction(async (tx) => {
      if (await eraseSupporter(tx, candidate.supporterId, 'retention')) erased += 1;
    });
  }
  return { candidates, erased };
}

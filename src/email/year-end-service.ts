import type { Knex } from 'knex';

export interface YearEndQueued {
  readonly queued: number;
  readonly alreadyQueued: number;
}

/**
 * Queues one summary per supporter with a gift in `year` (in their organization's time zone).
 * A supporter is one person in one organization, so this is one per supporter per
 * organization. Running it again queues nothing new.
 */
export async function queueYearEndSummaries(db: Knex, year: number): Promise<YearEndQueued> {
  return db.transaction(async (tx) => {
    const result = await tx.raw(
      `with givers as (
         select distinct l.supporter_id
         from ledger_entries l join organizations o on o.id = l.organization_id
         where l.kind in ('payment', 'offline')
           and l.occurred_at >= make_timestamptz(?::int - 1, 12, 31, 0, 0, 0, 'UTC')
           and l.occurred_at < make_timestamptz(?::int + 1, 1, 2, 0, 0, 0, 'UTC')
           and extract(year from l.occurred_at at time zone o.time_zone) = ?
       ), queued as (
         insert into emails (dedupe_key, template, locale, recipient, organization_id, supporter_id, data)
         select 'year_end:' || ?::text || ':' || s.id, 'year_end', s.locale, s.email, s.organization_id, s.id,
                jsonb_build_object('year', ?::int)
         from givers g join supporters s on s.id = g.supporter_id
         on conflict (dedupe_key) do nothing
         returning 1
       )
       select (select count(*) from queued)::int as queued, (select count(*) from givers)::int as givers`,
      [year, year, year, year, year],
    );
    const row = result.rows[0] as { queued: number; givers: number };
    return { queued: Number(row.queued), alreadyQueued: Number(row.givers) - Number(row.queued) };
  });
}

import type { Knex } from 'knex';

/**
 * The running sums' months are the organization's months, fixed when each entry is summed. When
 * an admin changes an organization's time zone, its campaigns' sums are rebuilt in the same
 * transaction (organization-admin-service.ts), so the staff totals' months agree with the export
 * and the statements, which read the zone at the time they are made. The table lock keeps gifts
 * from adding to the sums while they are rebuilt: they wait a moment, then add to the new rows.
 * The supporters' rows (month '') do not depend on the zone and are kept.
 *
 * SUMS repeats 20261201140000's on purpose: a migration keeps the SQL it was written with, so a
 * later edit of the earlier file cannot change what this one did. A new summed column adds a
 * line to both functions' SUMS, in the migration that adds it.
 */
const SUMS: ReadonlyArray<[column: string, expression: string]> = [
  ['entries', '1'],
  ['gross', `case when e.kind in ('payment', 'offline') then e.gross else 0 end`],
  ['fees', 'e.fee'],
  ['net', 'e.net'],
  ['refunded', `case when e.kind = 'refund' then -e.gross else 0 end`],
  ['disputed', `case when e.kind in ('dispute', 'dispute_reversal') then -e.gross else 0 end`],
  ['raised', 'e.gross'],
  ['sponsor_fee', 'e.sponsor_fee'],
];

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create function ledger_totals_rebuild_organization(org uuid) returns void language plpgsql as $$
    begin
      lock table ledger_totals in share row exclusive mode;
      delete from ledger_totals t using campaigns c
        where c.id = t.campaign_id and c.organization_id = org and t.frequency <> '';
      insert into ledger_totals (campaign_id, earmark_id, month, frequency, currency, slot, ${SUMS.map(([c]) => c).join(', ')})
      select e.campaign_id, e.earmark_id, to_char(e.occurred_at at time zone o.time_zone, 'YYYY-MM'),
        coalesce(d.frequency, 'once'), e.currency, 0::smallint, ${SUMS.map(([c]) => `sum(x.${c})`).join(', ')}
      from ledger_entries e
      join organizations o on o.id = e.organization_id
      left join donations d on d.id = e.donation_id and d.campaign_id = e.campaign_id
      cross join lateral (select ${SUMS.map(([c, expression]) => `${expression} as ${c}`).join(', ')}) x
      where e.organization_id = org
      group by 1, 2, 3, 4, 5, 6;
    end $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function ledger_totals_rebuild_organization(uuid)');
}

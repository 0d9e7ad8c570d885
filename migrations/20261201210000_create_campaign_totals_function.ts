import type { Knex } from 'knex';

/**
 * A campaign's staff totals from its running sums, as one json value: the sums by grouping set
 * (the whole, each earmark, each month, each frequency), the earmarks' ids, and the monthly
 * supporters by status. A PL/pgSQL function because PostgreSQL keeps its statements' plans for
 * the session: the same select sent as text is parsed and planned again on every staff read,
 * which was a third of its time in the database (measured with the totals benchmark).
 *
 * The summed columns are ledger_totals' (20261201140000); a new summed column replaces this
 * function in the migration that adds it, as it adds a line to that migration's SUMS.
 */
const SUMMED = ['entries', 'gross', 'fees', 'net', 'refunded', 'disputed', 'raised', 'sponsor_fee'];

export async function up(knex: Knex): Promise<void> {
  const sums = SUMMED.map((c) => `coalesce(sum(${c}), 0)::bigint as ${c}`).join(', ');
  await knex.raw(`create function campaign_totals_json(p_campaign uuid, p_currency text) returns json
    language plpgsql stable as $$
    declare result json;
    begin
      select json_build_object(
        'rows', (select coalesce(json_agg(g), '[]') from (
          select earmark_id, month, frequency, grouping(earmark_id) as ge, grouping(month) as gm, grouping(frequency) as gf, ${sums}
          from ledger_totals where campaign_id = p_campaign and currency = p_currency and frequency <> ''
          group by grouping sets ((), (earmark_id), (month), (frequency))) g),
        'earmarks', (select coalesce(json_agg(json_build_object('id', id, 'code', code)), '[]') from earmarks where campaign_id = p_campaign),
        'statuses', (select coalesce(json_agg(s), '[]') from (
          select status, sum(supporters)::bigint as n from campaign_monthly_counts
          where campaign_id = p_campaign and status in ('active', 'failing', 'completed', 'cancelled')
          group by status) s))
      into result;
      return result;
    end $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop function campaign_totals_json(uuid, text)');
}

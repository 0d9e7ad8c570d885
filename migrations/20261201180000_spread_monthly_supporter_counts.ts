import type { Knex } from 'knex';

/**
 * The monthly-supporter counts split over 64 slots by connection instead of 16. A slot's row
 * stays locked until its transaction commits, and a gift's status changes early in its
 * transaction; with 16 slots two of a pool's ten connections often shared one (measured:
 * webhook-ingest's gifts waited on each other's slot row for most of that update's 1.6 ms). A
 * pool's connections, started together, have nearby process ids, so 64 slots keep them apart.
 * Reads sum the slots, so existing rows stay as they are.
 *
 * Only the statuses the staff totals read are counted: every monthly gift starts `pending`, and
 * counting that status cost each first payment two more updates of a row every gift shares.
 */
const COUNTED = `('active', 'failing', 'completed', 'cancelled')`;
const changeFunction = (slots: number, counted: string | null) => `create or replace function monthly_supporters_change(c uuid, s uuid, st text, delta int)
  returns void language plpgsql as $$
    declare now_n int;
    begin
      ${counted ? `if st not in ${counted} then return; end if;` : ''}
      insert into campaign_monthly_supporters as m (campaign_id, supporter_id, status, n) values (c, s, st, delta)
      on conflict (campaign_id, supporter_id, status) do update set n = m.n + excluded.n
      returning n into now_n;
      if (delta > 0 and now_n = delta) or (delta < 0 and now_n = 0) then
        insert into campaign_monthly_counts as k (campaign_id, status, slot, supporters)
        values (c, st, (pg_backend_pid() % ${slots})::smallint, sign(delta))
        on conflict (campaign_id, status, slot) do update set supporters = k.supporters + excluded.supporters;
      end if;
    end $$`;

const rebuildFunction = (counted: string | null) => `create or replace function monthly_supporters_rebuild() returns void language sql as $$
    delete from campaign_monthly_counts;
    delete from campaign_monthly_supporters;
    insert into campaign_monthly_supporters (campaign_id, supporter_id, status, n)
      select campaign_id, supporter_id, status, count(*) from donations
      where frequency = 'monthly' ${counted ? `and status in ${counted}` : ''} group by 1, 2, 3;
    insert into campaign_monthly_counts (campaign_id, status, slot, supporters)
      select campaign_id, status, 0, count(*) from campaign_monthly_supporters where n > 0 group by 1, 2;
  $$`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(changeFunction(64, COUNTED));
  await knex.raw(rebuildFunction(COUNTED));
  await knex.raw('select monthly_supporters_rebuild()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(changeFunction(16, null));
  await knex.raw(rebuildFunction(null));
  await knex.raw('select monthly_supporters_rebuild()');
}

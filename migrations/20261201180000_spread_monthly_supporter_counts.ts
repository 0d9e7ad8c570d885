import type { Knex } from 'knex';

/**
 * The monthly-supporter counts split over 64 slots by connection instead of 16. A slot's row
 * stays locked until its transaction commits, and a gift's status changes early in its
 * transaction; with 16 slots two of a pool's ten connections often shared one (measured:
 * webhook-ingest's gifts waited on each other's slot row for most of that update's 1.6 ms). A
 * pool's connections, started together, have nearby process ids, so 64 slots keep them apart.
 * Reads sum the slots, so existing rows stay as they are.
 */
const changeFunction = (slots: number) => `create or replace function monthly_supporters_change(c uuid, s uuid, st text, delta int)
  returns void language plpgsql as $$
    declare now_n int;
    begin
      insert into campaign_monthly_supporters as m (campaign_id, supporter_id, status, n) values (c, s, st, delta)
      on conflict (campaign_id, supporter_id, status) do update set n = m.n + excluded.n
      returning n into now_n;
      if (delta > 0 and now_n = delta) or (delta < 0 and now_n = 0) then
        insert into campaign_monthly_counts as k (campaign_id, status, slot, supporters)
        values (c, st, (pg_backend_pid() % ${slots})::smallint, sign(delta))
        on conflict (campaign_id, status, slot) do update set supporters = k.supporters + excluded.supporters;
      end if;
    end $$`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(changeFunction(64));
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(changeFunction(16));
}

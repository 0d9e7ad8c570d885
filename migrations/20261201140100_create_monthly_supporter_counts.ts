import type { Knex } from 'knex';

/**
 * The staff totals' "monthly supporters" (distinct supporters with a monthly gift, by status),
 * kept by a trigger on donations instead of counted from the campaign's donations at each read.
 * Per campaign, supporter and status: how many monthly donations; per campaign and status: how
 * many supporters have at least one, split in 16 slots by connection so concurrent gifts of one
 * campaign do not wait on one row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('campaign_monthly_supporters', (t) => {
    t.uuid('campaign_id').notNullable();
    t.uuid('supporter_id').notNullable();
    t.text('status').notNullable();
    t.integer('n').notNullable();
    t.primary(['campaign_id', 'supporter_id', 'status']);
  });
  await knex.schema.createTable('campaign_monthly_counts', (t) => {
    t.uuid('campaign_id').notNullable();
    t.text('status').notNullable();
    t.smallint('slot').notNullable();
    t.bigInteger('supporters').notNullable();
    t.primary(['campaign_id', 'status', 'slot']);
  });
  await knex.raw(`create function monthly_supporters_change(c uuid, s uuid, st text, delta int) returns void language plpgsql as $$
    declare now_n int;
    begin
      insert into campaign_monthly_supporters as m (campaign_id, supporter_id, status, n) values (c, s, st, delta)
      on conflict (campaign_id, supporter_id, status) do update set n = m.n + excluded.n
      returning n into now_n;
      if (delta > 0 and now_n = delta) or (delta < 0 and now_n = 0) then
        insert into campaign_monthly_counts as k (campaign_id, status, slot, supporters)
        values (c, st, (pg_backend_pid() % 16)::smallint, sign(delta))
        on conflict (campaign_id, status, slot) do update set supporters = k.supporters + excluded.supporters;
      end if;
    end $$`);
  await knex.raw(`create function donations_monthly_supporters() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') and old.frequency = 'monthly' then
        perform monthly_supporters_change(old.campaign_id, old.supporter_id, old.status, -1);
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.frequency = 'monthly' then
        perform monthly_supporters_change(new.campaign_id, new.supporter_id, new.status, 1);
      end if;
      return null;
    end $$`);
  await knex.raw(`create trigger donations__monthly_supporters
    after insert or delete or update of status, campaign_id, supporter_id, frequency on donations
    for each row execute function donations_monthly_supporters()`);
  await knex.raw(`create function monthly_supporters_rebuild() returns void language sql as $$
    delete from campaign_monthly_counts;
    delete from campaign_monthly_supporters;
    insert into campaign_monthly_supporters (campaign_id, supporter_id, status, n)
      select campaign_id, supporter_id, status, count(*) from donations where frequency = 'monthly' group by 1, 2, 3;
    insert into campaign_monthly_counts (campaign_id, status, slot, supporters)
      select campaign_id, status, 0, count(*) from campaign_monthly_supporters where n > 0 group by 1, 2;
  $$`);
  await knex.raw('select monthly_supporters_rebuild()');
  await knex.raw('drop index donations__campaign_id_monthly');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`create index donations__campaign_id_monthly on donations (campaign_id, status, supporter_id)
    where frequency = 'monthly'`);
  await knex.raw('drop trigger donations__monthly_supporters on donations');
  await knex.raw('drop function monthly_supporters_rebuild()');
  await knex.raw('drop function donations_monthly_supporters()');
  await knex.raw('drop function monthly_supporters_change(uuid, uuid, text, int)');
  await knex.schema.dropTable('campaign_monthly_counts');
  await knex.schema.dropTable('campaign_monthly_supporters');
}

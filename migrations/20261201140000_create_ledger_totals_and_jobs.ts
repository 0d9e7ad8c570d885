import type { Knex } from 'knex';

/**
 * Running sums of the ledger, kept by a trigger as each entry is appended, so that totals,
 * progress and milestones read a few hundred rows whatever the size of the campaign. Each group
 * (campaign, earmark, month in the organization's time zone, frequency, currency) is split in
 * SLOTS rows chosen by the database connection (its backend pid), so concurrent gifts of one
 * campaign, which come on different connections, update different rows and do not wait on each
 * other's commit. A new summed column is one column here and one line in SUMS.
 */
const SLOTS = 16;
const SUMS: ReadonlyArray<[column: string, expression: string]> = [
  ['entries', '1'],
  ['gross', `case when e.kind in ('payment', 'offline') then e.gross else 0 end`],
  ['fees', 'e.fee'],
  ['net', 'e.net'],
  ['refunded', `case when e.kind = 'refund' then -e.gross else 0 end`],
  ['disputed', `case when e.kind in ('dispute', 'dispute_reversal') then -e.gross else 0 end`],
  ['raised', 'e.gross'],
  // Charged by the BEFORE INSERT trigger of 20261201139000, so the transition table holds it.
  ['sponsor_fee', 'e.sponsor_fee'],
];

const sumList = SUMS.map(([column]) => column).join(', ');
const sumUpdates = SUMS.map(([column]) => `${column} = ledger_totals.${column} + excluded.${column}`).join(', ');

/** Adds the entries of `source` (aliased e) to the running sums and the campaigns' supporters. */
function addSql(source: string): string {
  return `
    insert into ledger_totals (campaign_id, earmark_id, month, frequency, currency, slot, ${sumList})
    select e.campaign_id, e.earmark_id, to_char(e.occurred_at at time zone o.time_zone, 'YYYY-MM'),
      coalesce(d.frequency, 'once'), e.currency, (pg_backend_pid() % ${SLOTS})::smallint, ${SUMS.map(([c]) => `sum(x.${c})`).join(', ')}
    from ${source}
    join organizations o on o.id = e.organization_id
    left join donations d on d.id = e.donation_id and d.campaign_id = e.campaign_id
    cross join lateral (select ${SUMS.map(([c, expression]) => `${expression} as ${c}`).join(', ')}) x
    group by 1, 2, 3, 4, 5, 6
    on conflict (campaign_id, currency, earmark_id, month, frequency, slot) do update set ${sumUpdates};
    with fresh as (
      insert into campaign_supporters (campaign_id, currency, supporter_id)
      select distinct e.campaign_id, e.currency, e.supporter_id from ${source} where e.kind in ('payment', 'offline')
      on conflict do nothing
      returning campaign_id, currency)
    insert into ledger_totals (campaign_id, earmark_id, month, frequency, currency, slot, supporters)
    select campaign_id, '00000000-0000-0000-0000-000000000000', '', '', currency, (pg_backend_pid() % ${SLOTS})::smallint, count(*)
    from fresh group by 1, 5
    on conflict (campaign_id, currency, earmark_id, month, frequency, slot)
      do update set supporters = ledger_totals.supporters + excluded.supporters;`;
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ledger_totals', (t) => {
    t.uuid('campaign_id').notNullable().references('campaigns.id').onDelete('restrict');
    t.uuid('earmark_id').notNullable();
    t.text('month').notNullable();
    t.text('frequency').notNullable();
    t.text('currency').notNullable();
    t.smallint('slot').notNullable();
    for (const [column] of SUMS) t.bigInteger(column).notNullable().defaultTo(0);
    // Distinct supporters of the campaign who gave, counted on the row of their first gift.
    t.bigInteger('supporters').notNullable().defaultTo(0);
    t.primary(['campaign_id', 'currency', 'earmark_id', 'month', 'frequency', 'slot']);
  });
  await knex.schema.createTable('campaign_supporters', (t) => {
    t.uuid('campaign_id').notNullable();
    t.text('currency').notNullable();
    t.uuid('supporter_id').notNullable();
    t.primary(['campaign_id', 'currency', 'supporter_id']);
  });

  // The trigger is per statement, over its transition table: a bulk insert is summed once, not
  // row by row. The rebuild (after a load that skipped triggers) sums the whole ledger the same way.
  await knex.raw(`create function ledger_totals_on_insert() returns trigger language plpgsql as $$
    begin ${addSql('new_rows e')} return null; end $$`);
  await knex.raw(`create trigger ledger_entries__totals after insert on ledger_entries
    referencing new table as new_rows for each statement execute function ledger_totals_on_insert()`);
  await knex.raw(`create function ledger_totals_rebuild() returns void language plpgsql as $$
    begin
      delete from ledger_totals; delete from campaign_supporters;
      ${addSql('ledger_entries e')}
    end $$`);
  await knex.raw('select ledger_totals_rebuild()');

  // Receipt numbers are given after the entry commits (see receipt-numbers.ts), in entry order,
  // so the one column that may be set later is receipt_number, and only once, from empty.
  await knex.raw(`create or replace function ledger_entries_refuse_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.receipt_number is null and new.receipt_number is not null
         and (to_jsonb(new) - 'receipt_number') = (to_jsonb(old) - 'receipt_number') then
        return new;
      end if;
      raise exception 'ledger_entries is append-only (% refused)', tg_op;
    end $$`);
  await knex.raw(`create index ledger_entries__unnumbered on ledger_entries (organization_id, id)
    where receipt_number is null and kind in ('payment', 'offline', 'refund')`);
  await knex.raw(`create index donations__campaign_id_monthly on donations (campaign_id, status, supporter_id)
    where frequency = 'monthly'`);

  // Work that must happen after a transaction commits (a Stripe write, a milestone check on the
  // committed sums), recorded in that transaction so a crash leaves none undone.
  await knex.schema.createTable('ledger_jobs', (t) => {
    t.bigIncrements('id').primary();
    t.text('kind').notNullable();
    t.text('dedupe_key').unique('ledger_jobs__dedupe_key');
    t.jsonb('payload').notNullable().defaultTo('{}');
    t.text('status').notNullable().defaultTo('queued');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('done_at', { useTz: true });
  });
  await knex.raw(`alter table ledger_jobs
    add constraint ledger_jobs__kind check (kind in ('milestone_check', 'installment_plan')),
    add constraint ledger_jobs__status check (status in ('queued', 'done', 'failed'))`);
  await knex.raw(`create index ledger_jobs__due on ledger_jobs (next_attempt_at) where status = 'queued'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ledger_jobs');
  await knex.raw('drop index donations__campaign_id_monthly');
  await knex.raw('drop index ledger_entries__unnumbered');
  await knex.raw(`create or replace function ledger_entries_refuse_change() returns trigger language plpgsql as $$
    begin raise exception 'ledger_entries is append-only (% refused)', tg_op; end $$`);
  await knex.raw('drop trigger ledger_entries__totals on ledger_entries');
  await knex.raw('drop function ledger_totals_rebuild()');
  await knex.raw('drop function ledger_totals_on_insert()');
  await knex.schema.dropTable('campaign_supporters');
  await knex.schema.dropTable('ledger_totals');
}

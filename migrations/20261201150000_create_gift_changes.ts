import type { Knex } from 'knex';

// What a supporter (or staff at their request) changed on a monthly gift: amount, earmark,
// pause, resume, cancel, card. A pause keeps the payment date it skipped and how many monthly
// payments it skipped, so payment numbers ("3 of 6") stay right after it; a donation keeps the
// date its pause ends.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('gift_changes', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('donation_id').notNullable().references('donations.id').onDelete('cascade');
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('cascade');
    t.text('kind').notNullable();
    t.text('actor_kind').notNullable();
    t.text('actor_label').notNullable();
    t.jsonb('before');
    t.jsonb('after');
    t.timestamp('skip_from', { useTz: true });
    t.integer('skip_months');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['donation_id', 'created_at'], 'gift_changes__donation_id_created_at');
  });
  await knex.raw(`alter table gift_changes
    add constraint gift_changes__kind check (kind in ('amount', 'earmark', 'pause', 'resume', 'cancel', 'card')),
    add constraint gift_changes__actor_kind check (actor_kind in ('supporter', 'staff')),
    add constraint gift_changes__skip check (skip_months is null or skip_months between 0 and 3)`);
  await knex.schema.alterTable('donations', (t) => {
    t.timestamp('paused_until', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('donations', (t) => t.dropColumn('paused_until'));
  await knex.schema.dropTable('gift_changes');
}

import type { Knex } from 'knex';

// Events about payments Colecta never made (a shared Stripe account) are recorded as ignored,
// and the ones still failing are listed for staff: a partial index keeps that list cheap.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('stripe_events', (t) => {
    t.text('ignored_reason');
  });
  await knex.raw(`create index stripe_events__unprocessed on stripe_events (attempts, last_error_at) where processed_at is null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists stripe_events__unprocessed');
  await knex.schema.alterTable('stripe_events', (t) => {
    t.dropColumn('ignored_reason');
  });
}

import type { Knex } from 'knex';

// Demo mode's stand-in for Stripe's own storage: the sessions, charges, subscriptions and
// schedules the demo checkout creates, as the Stripe-shaped JSON the gateway reads back.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('demo_stripe_objects', (t) => {
    t.text('id').primary();
    t.text('object').notNullable();
    t.jsonb('data').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('demo_stripe_objects');
}

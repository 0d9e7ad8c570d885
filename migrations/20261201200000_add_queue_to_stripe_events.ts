import type { Knex } from 'knex';

// A burst of webhooks beyond what the instance processes at once is answered 200 as soon as the
// verified event is stored here; a worker processes it later. The payload is json, not jsonb, so
// it is kept as Stripe sent it; it holds the supporter's details, so it is cleared once processed.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('stripe_events', (t) => {
    t.json('queued_payload');
    t.timestamp('next_attempt_at', { useTz: true });
  });
  await knex.raw(`
    create index stripe_events__queued on stripe_events (next_attempt_at)
    where processed_at is null and queued_payload is not null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists stripe_events__queued');
  await knex.schema.alterTable('stripe_events', (t) => {
    t.dropColumn('next_attempt_at');
    t.dropColumn('queued_payload');
  });
}

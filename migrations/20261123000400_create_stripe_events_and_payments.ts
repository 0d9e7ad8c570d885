import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('stripe_events', (t) => {
    t.text('id').primary();
    t.text('type').notNullable();
    t.text('object_id');
    t.boolean('livemode').notNullable();
    t.timestamp('stripe_created_at', { useTz: true }).notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('processed_at', { useTz: true });
    t.text('last_error');
    t.timestamp('last_error_at', { useTz: true });
  });

  // What the events have told us so far about one payment. Stripe sends the donation,
  // the charge and its balance transaction in separate events, in any order; the ledger
  // entry is written once all three are known.
  await knex.schema.createTable('stripe_payments', (t) => {
    t.text('payment_intent_id').primary();
    t.uuid('donation_id').references('donations.id').onDelete('restrict');
    t.text('invoice_id');
    t.integer('installment');
    t.text('charge_id');
    t.text('balance_transaction_id');
    t.bigInteger('gross');
    t.bigInteger('fee');
    t.text('currency');
    t.text('payment_method');
    t.text('card_last4');
    t.timestamp('paid_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['donation_id'], 'stripe_payments__donation_id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('stripe_payments');
  await knex.schema.dropTable('stripe_events');
}

import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('supporters', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('restrict');
    t.text('email').notNullable();
    t.text('first_name').notNullable();
    t.text('last_name').notNullable();
    t.text('phone');
    t.text('address_line1');
    t.text('address_line2');
    t.text('address_city');
    t.text('address_region');
    t.text('address_postal_code');
    t.text('address_country');
    t.text('locale').notNullable().defaultTo('en');
    t.boolean('email_updates').notNullable().defaultTo(false);
    t.text('stripe_customer_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['organization_id', 'email'], { indexName: 'supporters__organization_id_email' });
  });
  await knex.raw(`alter table supporters
    add constraint supporters__email_lowercase check (email = lower(email) and position('@' in email) > 1),
    add constraint supporters__locale check (locale in ('en', 'es'))`);

  await knex.schema.createTable('donations', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('campaign_id').notNullable().references('campaigns.id').onDelete('restrict');
    t.uuid('earmark_id').notNullable().references('earmarks.id').onDelete('restrict');
    t.uuid('supporter_id').notNullable().references('supporters.id').onDelete('restrict');
    t.bigInteger('amount').notNullable();
    t.bigInteger('charge_amount').notNullable();
    t.text('currency').notNullable();
    t.text('frequency').notNullable();
    t.integer('installments');
    t.boolean('cover_fees').notNullable().defaultTo(false);
    t.boolean('anonymous').notNullable().defaultTo(false);
    t.text('note');
    t.text('locale').notNullable().defaultTo('en');
    t.text('status').notNullable().defaultTo('pending');
    t.text('stripe_checkout_session_id').unique('donations__stripe_checkout_session_id');
    t.text('stripe_payment_intent_id');
    t.text('stripe_subscription_id').unique('donations__stripe_subscription_id');
    t.text('stripe_customer_id');
    t.text('stripe_schedule_id');
    t.timestamp('billing_anchor', { useTz: true });
    t.timestamp('status_changed_at', { useTz: true });
    t.timestamp('ended_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['campaign_id'], 'donations__campaign_id');
    t.index(['supporter_id'], 'donations__supporter_id');
  });
  await knex.raw(`alter table donations
    add constraint donations__amounts check (amount > 0 and charge_amount >= amount),
    add constraint donations__currency check (currency ~ '^[a-z]{3}$'),
    add constraint donations__frequency check (frequency in ('once', 'monthly')),
    add constraint donations__installments check (
      installments is null or (frequency = 'monthly' and installments between 2 and 60)),
    add constraint donations__status check (status in
      ('pending', 'processing', 'paid', 'active', 'failing', 'completed', 'cancelled', 'failed', 'expired'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('donations');
  await knex.schema.dropTable('supporters');
}

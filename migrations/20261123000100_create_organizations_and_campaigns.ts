import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('organizations', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('slug').notNullable().unique('organizations__slug');
    t.text('name').notNullable();
    t.text('sponsor_legal_name').notNullable();
    t.text('sponsor_ein').notNullable();
    t.text('sponsor_address').notNullable();
    t.text('receipt_text_en').notNullable().defaultTo('');
    t.text('receipt_text_es').notNullable().defaultTo('');
    t.text('time_zone').notNullable().defaultTo('America/Los_Angeles');
    t.integer('fee_rate_bps').notNullable().defaultTo(290);
    t.bigInteger('fee_fixed').notNullable().defaultTo(30);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table organizations
    add constraint organizations__slug_format check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    add constraint organizations__fee_rule check (fee_rate_bps between 0 and 9999 and fee_fixed >= 0)`);

  await knex.schema.createTable('campaigns', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('restrict');
    t.text('slug').notNullable().unique('campaigns__slug');
    t.text('title_en').notNullable();
    t.text('title_es').notNullable();
    t.text('description_en').notNullable().defaultTo('');
    t.text('description_es').notNullable().defaultTo('');
    t.text('currency').notNullable();
    t.bigInteger('goal');
    t.timestamp('starts_at', { useTz: true });
    t.timestamp('ends_at', { useTz: true });
    t.text('status').notNullable().defaultTo('draft');
    t.specificType('preset_amounts', 'bigint[]').notNullable().defaultTo(knex.raw("'{1000,2000,3000}'"));
    t.boolean('monthly_enabled').notNullable().defaultTo(true);
    t.bigInteger('min_amount').notNullable().defaultTo(100);
    t.bigInteger('max_amount').notNullable().defaultTo(1000000);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['organization_id'], 'campaigns__organization_id');
  });
  await knex.raw(`alter table campaigns
    add constraint campaigns__slug_format check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    add constraint campaigns__currency check (currency ~ '^[a-z]{3}$'),
    add constraint campaigns__status check (status in ('draft', 'active', 'closed')),
    add constraint campaigns__goal check (goal is null or goal > 0),
    add constraint campaigns__limits check (min_amount > 0 and max_amount >= min_amount),
    add constraint campaigns__dates check (starts_at is null or ends_at is null or ends_at > starts_at)`);

  await knex.schema.createTable('earmarks', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('campaign_id').notNullable().references('campaigns.id').onDelete('restrict');
    t.text('code').notNullable();
    t.text('label_en').notNullable();
    t.text('label_es').notNullable();
    t.bigInteger('goal');
    t.integer('position').notNullable().defaultTo(0);
    t.unique(['campaign_id', 'code'], { indexName: 'earmarks__campaign_id_code' });
  });
  await knex.raw(`alter table earmarks
    add constraint earmarks__code_format check (code ~ '^[a-z][a-z0-9_]{0,39}$'),
    add constraint earmarks__goal check (goal is null or goal > 0)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('earmarks');
  await knex.schema.dropTable('campaigns');
  await knex.schema.dropTable('organizations');
}

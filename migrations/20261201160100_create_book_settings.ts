import type { Knex } from 'knex';

// The sponsor's chart of accounts for the journal exports: one row for the deployment.
// `accounts` holds {name, code} per role (bank, Stripe clearing, processor fees, sponsor fee
// income, income) and per earmark code; the application fills in defaults for what is missing.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('book_settings', (t) => {
    t.boolean('id').primary().defaultTo(true);
    t.jsonb('accounts').notNullable().defaultTo('{}');
    t.text('xero_tax_rate').notNullable().defaultTo('Tax Exempt');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('alter table book_settings add constraint book_settings__one_row check (id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('book_settings');
}

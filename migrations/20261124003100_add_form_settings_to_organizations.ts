import type { Knex } from 'knex';

// The embedded form's per-organization settings: who may frame it, its tax statement, and
// which optional supporter fields it asks for.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('organizations', (t) => {
    t.specificType('embed_origins', 'text[]').notNullable().defaultTo(knex.raw("'{}'"));
    t.text('tax_statement_en').notNullable().defaultTo('');
    t.text('tax_statement_es').notNullable().defaultTo('');
    t.boolean('ask_phone').notNullable().defaultTo(true);
    t.boolean('ask_address').notNullable().defaultTo(true);
    t.boolean('ask_note').notNullable().defaultTo(true);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('organizations', (t) => {
    t.dropColumns('embed_origins', 'tax_statement_en', 'tax_statement_es', 'ask_phone', 'ask_address', 'ask_note');
  });
}

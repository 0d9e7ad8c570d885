import type { Knex } from 'knex';

// One fiscal sponsor per deployment, in place of the sponsor columns copied onto every
// organization. The demo's (or any existing) values move into it: the first organization's.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sponsor', (t) => {
    // A one-row table: the key can only ever be true.
    t.boolean('id').primary().defaultTo(true);
    t.text('legal_name').notNullable();
    t.text('ein').notNullable();
    t.text('address').notNullable();
    t.text('contact_email').notNullable().defaultTo('');
    t.text('receipt_statement_en').notNullable().defaultTo('');
    t.text('receipt_statement_es').notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table sponsor
    add constraint sponsor__one_row check (id),
    add constraint sponsor__ein_format check (ein ~ '^[0-9]{2}-[0-9]{7}$'),
    add constraint sponsor__legal_name check (length(trim(legal_name)) > 0)`);
  await knex.raw(`insert into sponsor (id, legal_name, ein, address, receipt_statement_en, receipt_statement_es)
    select true, sponsor_legal_name, sponsor_ein, sponsor_address, receipt_text_en, receipt_text_es
    from organizations where sponsor_ein ~ '^[0-9]{2}-[0-9]{7}$' and length(trim(sponsor_legal_name)) > 0
    order by created_at, slug limit 1`);
  await knex.schema.alterTable('organizations', (t) => {
    t.dropColumns('sponsor_legal_name', 'sponsor_ein', 'sponsor_address');
  });

  // A disabled user's tokens stop with them: a token remembers who made it.
  await knex.schema.alterTable('api_tokens', (t) => {
    t.uuid('created_by_user_id').references('staff_users.id').onDelete('set null');
    t.index(['created_by_user_id'], 'api_tokens__created_by_user_id');
  });

  // The first run's one-time link to /admin/setup: only its hash is kept.
  await knex.schema.createTable('setup_links', (t) => {
    t.text('id').primary();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('setup_links');
  await knex.schema.alterTable('api_tokens', (t) => {
    t.dropIndex(['created_by_user_id'], 'api_tokens__created_by_user_id');
    t.dropColumn('created_by_user_id');
  });
  await knex.schema.alterTable('organizations', (t) => {
    t.text('sponsor_legal_name').notNullable().defaultTo('');
    t.text('sponsor_ein').notNullable().defaultTo('');
    t.text('sponsor_address').notNullable().defaultTo('');
  });
  await knex.raw(`update organizations o set sponsor_legal_name = s.legal_name, sponsor_ein = s.ein, sponsor_address = s.address
    from sponsor s`);
  await knex.schema.dropTable('sponsor');
}

import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('staff_users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('email').notNullable().unique('staff_users__email');
    // Null until the person sets one through their sign-in link.
    t.text('password_hash');
    t.text('role').notNullable();
    t.uuid('organization_id').references('organizations.id').onDelete('restrict');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_sign_in_at', { useTz: true });
    t.timestamp('disabled_at', { useTz: true });
  });
  await knex.raw(`alter table staff_users
    add constraint staff_users__email_lowercase check (email = lower(email) and position('@' in email) > 1),
    add constraint staff_users__role check (role in ('admin', 'staff', 'sponsor')),
    add constraint staff_users__staff_organization check ((role = 'staff') = (organization_id is not null))`);

  // The cookie holds a random token; the row's id is its keyed hash, so a database read
  // alone cannot be replayed as a cookie.
  await knex.schema.createTable('staff_sessions', (t) => {
    t.text('id').primary();
    t.uuid('user_id').notNullable().references('staff_users.id').onDelete('cascade');
    t.text('csrf_secret').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('idle_expires_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['user_id'], 'staff_sessions__user_id');
  });

  await knex.schema.createTable('password_reset_tokens', (t) => {
    t.text('id').primary();
    t.uuid('user_id').notNullable().references('staff_users.id').onDelete('cascade');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.index(['user_id'], 'password_reset_tokens__user_id');
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('actor_label').notNullable();
    t.uuid('actor_user_id').references('staff_users.id').onDelete('set null');
    t.uuid('actor_token_id').references('api_tokens.id').onDelete('set null');
    t.text('action').notNullable();
    t.text('entity_type').notNullable();
    t.text('entity_id').notNullable();
    t.uuid('organization_id').references('organizations.id').onDelete('restrict');
    t.jsonb('before');
    t.jsonb('after');
    t.index(['organization_id', 'id'], 'audit_log__organization_id_id');
    t.index(['entity_type', 'entity_id'], 'audit_log__entity_type_entity_id');
  });

  // Totals read a campaign's whole ledger; covering it lets PostgreSQL sum from the index alone,
  // and (campaign_id, id) finds a campaign's latest entry at once (the totals cache's version).
  await knex.raw(`create index ledger_entries__campaign_id_id on ledger_entries
    (campaign_id, id) include (kind, earmark_id, gross, fee, net, occurred_at, donation_id, currency, supporter_id)`);
  // Monthly supporters by status, counted from the index alone.
  await knex.raw('create index donations__campaign_id_frequency_status on donations (campaign_id, frequency, status) include (supporter_id)');
  // The gifts search pages newest first by id.
  await knex.raw('create index ledger_entries__organization_id_id on ledger_entries (organization_id, id)');
  await knex.raw('create index ledger_entries__receipt_number_text on ledger_entries (receipt_number)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists ledger_entries__receipt_number_text');
  await knex.raw('drop index if exists ledger_entries__organization_id_id');
  await knex.raw('drop index if exists donations__campaign_id_frequency_status');
  await knex.raw('drop index if exists ledger_entries__campaign_id_id');
  await knex.schema.dropTable('audit_log');
  await knex.schema.dropTable('password_reset_tokens');
  await knex.schema.dropTable('staff_sessions');
  await knex.schema.dropTable('staff_users');
}

import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Every message Colecta sends is a row, written in the transaction of what caused it and keyed
  // by that cause (receipt:<ledger entry id>, …), so a replayed event can never queue it twice.
  await knex.schema.createTable('emails', (t) => {
    t.bigIncrements('id').primary();
    t.text('dedupe_key').notNullable().unique('emails__dedupe_key');
    t.text('template').notNullable();
    t.text('locale').notNullable().defaultTo('en');
    t.text('recipient').notNullable();
    t.uuid('organization_id').references('organizations.id').onDelete('restrict');
    t.uuid('supporter_id').references('supporters.id').onDelete('restrict');
    t.uuid('donation_id').references('donations.id').onDelete('restrict');
    t.bigInteger('ledger_entry_id').references('ledger_entries.id').onDelete('restrict');
    t.uuid('campaign_id').references('campaigns.id').onDelete('restrict');
    // Template parameters that are not in other tables (an update's id, a year, a link token).
    t.jsonb('data').notNullable().defaultTo('{}');
    t.text('status').notNullable().defaultTo('queued');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('claimed_at', { useTz: true });
    t.text('provider_message_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.index(['supporter_id'], 'emails__supporter_id');
  });
  await knex.raw(`alter table emails
    add constraint emails__status check (status in ('queued', 'sending', 'sent', 'failed')),
    add constraint emails__locale check (locale in ('en', 'es')),
    add constraint emails__attempts check (attempts >= 0)`);
  await knex.raw(`create index emails__due on emails (next_attempt_at) where status = 'queued'`);
  await knex.raw(`create index emails__sending on emails (claimed_at) where status = 'sending'`);

  await knex.schema.alterTable('supporters', (t) => {
    t.text('unsubscribe_token').unique('supporters__unsubscribe_token')
      .defaultTo(knex.raw(`replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '')`));
    t.timestamp('unsubscribed_at', { useTz: true });
  });

  await knex.schema.createTable('manage_tokens', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('token_hash').notNullable().unique('manage_tokens__token_hash');
    t.text('email').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
  });

  await knex.schema.alterTable('campaigns', (t) => {
    t.specificType('milestone_steps', 'int[]').notNullable().defaultTo(knex.raw(`'{25,50,75,100}'`));
  });
  await knex.raw(`alter table campaigns add constraint campaigns__milestone_steps
    check (cardinality(milestone_steps) <= 20 and 0 < all(milestone_steps) and 1000 >= all(milestone_steps))`);

  // One row per campaign (earmark_code '') or earmark and step: the unique key is what makes a
  // milestone mail go out once, however often refunds push the total back and forth.
  await knex.schema.createTable('milestones', (t) => {
    t.bigIncrements('id').primary();
    t.uuid('campaign_id').notNullable().references('campaigns.id').onDelete('restrict');
    t.uuid('earmark_id').references('earmarks.id').onDelete('restrict');
    t.text('scope_key').notNullable();
    t.integer('step').notNullable();
    t.bigInteger('goal').notNullable();
    t.bigInteger('raised').notNullable();
    t.bigInteger('ledger_entry_id').references('ledger_entries.id').onDelete('restrict');
    t.timestamp('reached_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['campaign_id', 'scope_key', 'step'], { indexName: 'milestones__campaign_id_scope_key_step' });
  });

  await knex.schema.alterTable('organizations', (t) => {
    t.specificType('staff_notice_emails', 'text[]').notNullable().defaultTo(knex.raw(`'{}'`));
    t.text('staff_notice_mode').notNullable().defaultTo('single');
  });
  await knex.raw(`alter table organizations add constraint organizations__staff_notice_mode
    check (staff_notice_mode in ('single', 'digest', 'off'))`);

  await knex.schema.createTable('campaign_updates', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('campaign_id').notNullable().references('campaigns.id').onDelete('restrict');
    t.text('title_en').notNullable();
    t.text('title_es').notNullable();
    t.text('body_en').notNullable();
    t.text('body_es').notNullable();
    t.text('posted_by').notNullable();
    t.timestamp('posted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('recipients').notNullable().defaultTo(0);
    t.index(['campaign_id', 'posted_at'], 'campaign_updates__campaign_id_posted_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('campaign_updates');
  await knex.raw('alter table organizations drop constraint organizations__staff_notice_mode');
  await knex.schema.alterTable('organizations', (t) => {
    t.dropColumn('staff_notice_emails');
    t.dropColumn('staff_notice_mode');
  });
  await knex.schema.dropTable('milestones');
  await knex.raw('alter table campaigns drop constraint campaigns__milestone_steps');
  await knex.schema.alterTable('campaigns', (t) => t.dropColumn('milestone_steps'));
  await knex.schema.dropTable('manage_tokens');
  await knex.schema.alterTable('supporters', (t) => {
    t.dropColumn('unsubscribe_token');
    t.dropColumn('unsubscribed_at');
  });
  await knex.schema.dropTable('emails');
}

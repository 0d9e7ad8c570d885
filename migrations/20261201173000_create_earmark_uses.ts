import type { Knex } from 'knex';

// What an earmark's money paid for ("12 bus tickets to the Oakland training"), in English and
// Spanish, with an optional amount in the campaign's currency. Rows are only added; staff remove
// one by setting removed_at (the audit log keeps who and when), so nothing is ever rewritten.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('earmark_uses', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('campaign_id').notNullable().references('campaigns.id').onDelete('restrict');
    t.uuid('earmark_id').notNullable().references('earmarks.id').onDelete('restrict');
    t.text('text_en').notNullable();
    t.text('text_es').notNullable();
    t.bigInteger('amount');
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('recorded_by').notNullable();
    t.uuid('recorded_by_user_id');
    t.timestamp('removed_at', { useTz: true });
    t.text('removed_by');
    t.index(['earmark_id', 'recorded_at'], 'earmark_uses__earmark_id_recorded_at');
    t.index(['campaign_id', 'recorded_at'], 'earmark_uses__campaign_id_recorded_at');
  });
  await knex.raw(`alter table earmark_uses
    add constraint earmark_uses__amount check (amount is null or amount > 0),
    add constraint earmark_uses__text check (length(text_en) between 1 and 500 and length(text_es) between 1 and 500),
    add constraint earmark_uses__removed check ((removed_at is null) = (removed_by is null))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('earmark_uses');
}

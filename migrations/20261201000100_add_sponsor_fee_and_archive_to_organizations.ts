import type { Knex } from 'knex';

// The sponsor's administrative fee on an organization's gifts (basis points, 0 by default)
// and whether the organization is archived (its campaigns take no gifts; its data stays).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('organizations', (t) => {
    t.integer('sponsor_fee_bps').notNullable().defaultTo(0);
    t.timestamp('archived_at', { useTz: true });
  });
  await knex.raw(`alter table organizations
    add constraint organizations__sponsor_fee_bps check (sponsor_fee_bps between 0 and 10000)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table organizations drop constraint organizations__sponsor_fee_bps');
  await knex.schema.alterTable('organizations', (t) => t.dropColumns('sponsor_fee_bps', 'archived_at'));
}

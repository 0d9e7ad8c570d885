import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('organizations', (t) => {
    // US nonprofits keep donation records seven years for audits; the default follows that.
    t.integer('retention_years').notNullable().defaultTo(7);
  });
  await knex.raw(`alter table organizations
    add constraint organizations__retention_years check (retention_years between 1 and 50)`);
  await knex.schema.alterTable('supporters', (t) => {
    t.timestamp('erased_at', { useTz: true });
    t.text('erase_reason');
  });
  await knex.raw(`alter table supporters
    add constraint supporters__erase_reason check (
      (erased_at is null and erase_reason is null) or erase_reason in ('retention', 'request'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table supporters drop constraint supporters__erase_reason');
  await knex.schema.alterTable('supporters', (t) => {
    t.dropColumn('erase_reason');
    t.dropColumn('erased_at');
  });
  await knex.raw('alter table organizations drop constraint organizations__retention_years');
  await knex.schema.alterTable('organizations', (t) => t.dropColumn('retention_years'));
}

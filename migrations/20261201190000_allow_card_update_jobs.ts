import type { Knex } from 'knex';

// A supporter's new card for a monthly gift is made its subscription's default payment method by
// a `card_update` ledger job, after the transaction that saw the card saved commits.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table ledger_jobs drop constraint ledger_jobs__kind,
    add constraint ledger_jobs__kind check (kind in ('milestone_check', 'installment_plan', 'goal_met_end', 'card_update'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex('ledger_jobs').where({ kind: 'card_update' }).delete();
  await knex.raw(`alter table ledger_jobs drop constraint ledger_jobs__kind,
    add constraint ledger_jobs__kind check (kind in ('milestone_check', 'installment_plan', 'goal_met_end'))`);
}

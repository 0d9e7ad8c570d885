import type { Knex } from 'knex';

// A monthly gift may end with its campaign (its schedule ends at the campaign's end date) or when
// the campaign's goal is met (a `goal_met_end` ledger job cancels it once the running sums reach
// the goal). Null: the gift runs until cancelled, or for its installments.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('donations', (t) => {
    t.text('ends_with');
  });
  await knex.raw(`alter table donations
    add constraint donations__ends_with check (ends_with is null or (ends_with in ('campaign_end', 'goal_met')
      and frequency = 'monthly' and installments is null))`);
  await knex.raw(`alter table ledger_jobs drop constraint ledger_jobs__kind,
    add constraint ledger_jobs__kind check (kind in ('milestone_check', 'installment_plan', 'goal_met_end'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex('ledger_jobs').where({ kind: 'goal_met_end' }).delete();
  await knex.raw(`alter table ledger_jobs drop constraint ledger_jobs__kind,
    add constraint ledger_jobs__kind check (kind in ('milestone_check', 'installment_plan'))`);
  await knex.raw('alter table donations drop constraint donations__ends_with');
  await knex.schema.alterTable('donations', (t) => t.dropColumn('ends_with'));
}

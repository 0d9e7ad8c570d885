import type { Knex } from 'knex';

// A monthly gift may end with its campaign (its schedule ends at the campaign's end date) or when
// the campaign's goal is met (a job cancels it once the running sums reach the goal). Null: the
// gift runs until cancelled, or for its installments.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('donations', (t) => {
    t.text('ends_with');
  });
  await knex.raw(`alter table donations
    add constraint donations__ends_with check (ends_with is null or (ends_with in ('campaign_end', 'goal_met')
      and frequency = 'monthly' and installments is null))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table donations drop constraint donations__ends_with');
  await knex.schema.alterTable('donations', (t) => t.dropColumn('ends_with'));
}

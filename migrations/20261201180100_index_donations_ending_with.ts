import type { Knex } from 'knex';

/**
 * Every gift to a campaign with a goal asks whether any of its monthly gifts is set to end at
 * that goal (the milestone job's condition, then the goal-met check). Through the campaign
 * index that read walked every donation of the campaign when none was, so its cost grew with
 * the campaign; only the few gifts set to end are in this index.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create index donations__campaign_id_ends_with on donations (campaign_id, ends_with) where ends_with is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index donations__campaign_id_ends_with');
}

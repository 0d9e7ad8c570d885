import type { Knex } from 'knex';
import { requestGoalMetEnds } from '../donations/goal-met-end';
import { queueCampaignBroadcast } from '../email/email-queue';
import { newEffects, type LedgerEffects } from './ledger-jobs';

interface Scope {
  readonly key: string;
  readonly earmarkId: string | null;
  readonly goal: number | null;
  readonly raised: number;
}

/** Steps (percent of goal) that `raised` has reached, in integers: raised * 100 >= goal * step. */
export function reachedSteps(raised: number, goal: number | null, steps: readonly number[]): number[] {
  if (!goal || goal <= 0) return [];
  return steps.filter((step) => raised * 100 >= goal * step).sort((a, b) => a - b);
}

/**
 * Records every milestone the campaign and the entry's earmark have reached, from the committed
 * running sums. It runs after the entry's transaction commits (a job recorded in it): two gifts
 * that cross a line together on two connections each look after their own commit, so the later
 * look sees both. The unique row per campaign, scope and step is what sends a milestone once: a
 * refund may pull the total under the line and a new gift push it over again, but the row is
 * already there. Only the highest step newly reached is mailed. When the campaign's sums reach
 * its goal, the monthly gifts set to end at the goal are given jobs (in `effects`) to end them.
 */
export async function checkMilestones(
  db: Knex, entry: { ledgerEntryId: number; campaignId: string; earmarkId: string }, effects: LedgerEffects = newEffects(),
): Promise<number> {
  return db.transaction(async (tx) => {
    const result = await tx.raw(
      `select c.goal as campaign_goal, c.milestone_steps, e.goal as earmark_goal, e.code as earmark_code,
         (select coalesce(sum(raised), 0) from ledger_totals t
            where t.campaign_id = c.id and t.currency = c.currency and t.frequency <> '')::bigint as campaign_raised,
         (select coalesce(sum(raised), 0) from ledger_totals t
            where t.campaign_id = c.id and t.currency = c.currency and t.earmark_id = e.id)::bigint as earmark_raised
       from campaigns c join earmarks e on e.campaign_id = c.id
       where c.id = ? and e.id = ?`,
      [entry.campaignId, entry.earmarkId],
    );
    const row = result.rows[0];
    if (!row) return 0;
    const steps = (row.milestone_steps as number[]).map(Number);
    const scopes: Scope[] = [
      { key: '', earmarkId: null, goal: row.campaign_goal == null ? null : Number(row.campaign_goal), raised: Number(row.campaign_raised) },
      { key: row.earmark_code, earmarkId: entry.earmarkId, goal: row.earmark_goal == null ? null : Number(row.earmark_goal), raised: Number(row.earmark_raised) },
    ];
    const campaign = scopes[0] as Scope;
    if (campaign.goal != null && campaign.goal > 0 && campaign.raised >= campaign.goal) {
      await requestGoalMetEnds(tx, effects, entry.campaignId);
    }
    let mailed = 0;
    for (const scope of scopes) {
      const reached = reachedSteps(scope.raised, scope.goal, steps);
      if (reached.length === 0 || scope.goal == null) continue;
      const inserted: Array<{ id: number; step: number }> = await tx('milestones')
        .insert(reached.map((step) => ({
          campaign_id: entry.campaignId, earmark_id: scope.earmarkId, scope_key: scope.key, step,
          goal: scope.goal, raised: scope.raised, ledger_entry_id: entry.ledgerEntryId,
        })))
        .onConflict(['campaign_id', 'scope_key', 'step'])
        .ignore()
        .returning(['id', 'step']);
      const highest = inserted.sort((a, b) => b.step - a.step)[0];
      if (!highest) continue;
      await queueCampaignBroadcast(tx, {
        keyPrefix: `milestone:${highest.id}`, template: 'milestone', campaignId: entry.campaignId,
        data: { milestoneId: Number(highest.id) },
      });
      mailed += 1;
    }
    return mailed;
  });
}

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
  // The sums are read in one statement outside any transaction (two round trips fewer per gift);
  // a transaction opens only when a step is reached, for the milestone row and its broadcast.
  const result = await db.raw(
    `select c.goal as campaign_goal, c.milestone_steps, e.goal as earmark_goal, e.code as earmark_code,
       (select coalesce(sum(raised), 0) from ledger_totals t
          where t.campaign_id = c.id and t.currency = c.currency and t.frequency <> '')::bigint as campaign_raised,
       (select coalesce(sum(raised), 0) from ledger_totals t
          where t.campaign_id = c.id and t.currency = c.currency and t.earmark_id = e.id)::bigint as earmark_raised,
       array(select m.step from milestones m where m.campaign_id = c.id and m.scope_key = '') as campaign_done,
       array(select m.step from milestones m where m.campaign_id = c.id and m.scope_key = e.code) as earmark_done
     from campaigns c join earmarks e on e.campaign_id = c.id
     where c.id = ? and e.id = ?`,
    [entry.campaignId, entry.earmarkId],
  );
  const row = result.rows[0];
  if (!row) return 0;
  const steps = (row.milestone_steps as number[]).map(Number);
  const scopes: Array<Scope & { done: number[] }> = [
    { key: '', earmarkId: null, goal: row.campaign_goal == null ? null : Number(row.campaign_goal), raised: Number(row.campaign_raised), done: row.campaign_done },
    { key: row.earmark_code, earmarkId: entry.earmarkId, goal: row.earmark_goal == null ? null : Number(row.earmark_goal), raised: Number(row.earmark_raised), done: row.earmark_done },
  ];
  // Once the campaign reaches its goal, the monthly gifts set to end there get jobs to end them
  // (also for a gift whose first payment comes after the goal was met).
  const campaignScope = scopes[0];
  if (campaignScope?.goal != null && campaignScope.goal > 0 && campaignScope.raised >= campaignScope.goal) {
    await db.transaction((tx) => requestGoalMetEnds(tx, effects, entry.campaignId));
  }
  // Steps already recorded are left out here (the unique row would refuse them anyway), so a gift
  // that crosses no new line opens no transaction at all.
  const due = scopes.map((scope) => {
    const done = new Set((scope.done ?? []).map(Number));
    return { scope, reached: reachedSteps(scope.raised, scope.goal, steps).filter((step) => !done.has(step)) };
  }).filter((d) => d.reached.length > 0 && d.scope.goal != null);
  if (due.length === 0) return 0;
  return db.transaction(async (tx) => {
    let mailed = 0;
    for (const { scope, reached } of due) {
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

/**
 * The statement that records the milestone check of a new entry in its transaction, only when
 * there is a line to cross: the campaign or the entry's earmark has a goal and the campaign has
 * steps, or the campaign has a goal that monthly gifts are set to end at. A campaign without a
 * goal leaves no job row and no after-commit work. It returns the job's id, for the caller to
 * put in the transaction's effects.
 */
export function milestoneJobInsert(tx: Knex, entry: { ledgerEntryId: number; campaignId: string; earmarkId: string }): Knex.Raw {
  return tx.raw(
    `insert into ledger_jobs (kind, payload)
     select 'milestone_check', ?::jsonb
     where exists (select 1 from campaigns c join earmarks e on e.campaign_id = c.id
                   where c.id = ? and e.id = ?
                     and ((cardinality(c.milestone_steps) > 0 and (c.goal > 0 or e.goal > 0))
                       or (c.goal > 0 and exists (select 1 from donations d where d.campaign_id = c.id and d.ends_with = 'goal_met'))))
     returning id`,
    [JSON.stringify(entry), entry.campaignId, entry.earmarkId],
  );
}

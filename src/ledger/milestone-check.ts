import type { Knex } from 'knex';
import { queueCampaignBroadcast } from '../email/email-queue';

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
 * After money comes in, records every milestone the campaign and the entry's earmark have now
 * reached. The unique row per campaign, scope and step is what sends a milestone once: a refund
 * may pull the total under the line and a new gift push it over again, but the row is already
 * there. Only the highest step newly reached is mailed, so a first check far into a campaign
 * does not send three messages at once.
 */
export async function checkMilestones(
  tx: Knex, entry: { id: number; campaignId: string; earmarkId: string; gross: number },
): Promise<number> {
  if (entry.gross <= 0) return 0;
  const result = await tx.raw(
    `select c.goal as campaign_goal, c.milestone_steps, e.goal as earmark_goal, e.code as earmark_code,
       (select coalesce(sum(gross), 0) from ledger_entries where campaign_id = c.id and currency = c.currency)::bigint as campaign_raised,
       (select coalesce(sum(gross), 0) from ledger_entries
          where campaign_id = c.id and earmark_id = e.id and currency = c.currency)::bigint as earmark_raised
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
  let mailed = 0;
  for (const scope of scopes) {
    const reached = reachedSteps(scope.raised, scope.goal, steps);
    if (reached.length === 0 || scope.goal == null) continue;
    const inserted: Array<{ id: number; step: number }> = await tx('milestones')
      .insert(reached.map((step) => ({
        campaign_id: entry.campaignId, earmark_id: scope.earmarkId, scope_key: scope.key, step,
        goal: scope.goal, raised: scope.raised, ledger_entry_id: entry.id,
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
}

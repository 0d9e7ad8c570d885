import type { Knex } from 'knex';
import { endGiftAtGoal } from '../donations/goal-met-end';
import { planInstallments } from '../donations/installment-plan';
import { queueLedgerEmails } from '../email/ledger-emails';
import { appendLedgerEntry, type NewLedgerEntry } from './ledger-repository';
import { newEffects, runJobs, type JobDeps, type JobRunner, type LedgerEffects, type LedgerJobKind } from './ledger-jobs';
import { checkMilestones, recordMilestoneJob } from './milestone-check';
import { numberAllReceipts, numberReceipts } from './receipt-numbers';

const RECEIPTED = new Set(['payment', 'offline', 'refund']);

/**
 * Appends one entry and everything it causes, in the caller's transaction: its receipt and staff
 * notice are queued, and a milestone check is recorded to run on the committed sums. The
 * running totals follow the entry by a database trigger; its receipt number is given after commit.
 */
export async function recordLedgerEntry(tx: Knex, effects: LedgerEffects, entry: NewLedgerEntry): Promise<number> {
  const id = await appendLedgerEntry(tx, entry);
  await queueLedgerEmails(tx, { id, ...entry });
  if (RECEIPTED.has(entry.kind)) effects.organizations.add(entry.organizationId);
  if (entry.gross > 0) await recordMilestoneJob(tx, effects, { ledgerEntryId: id, campaignId: entry.campaignId, earmarkId: entry.earmarkId });
  return id;
}

export const jobRunners: Readonly<Record<LedgerJobKind, JobRunner>> = {
  milestone_check: async (deps, payload) => {
    // The gifts it finds at their goal are cancelled by jobs of their own, once its transaction commits.
    const effects = newEffects();
    await checkMilestones(deps.db, payload as { ledgerEntryId: number; campaignId: string; earmarkId: string }, effects);
    if (effects.jobIds.length > 0) await runJobs(deps, jobRunners, effects.jobIds);
  },
  installment_plan: (deps, payload) => planInstallments(deps, payload as { donationId: string; subscriptionId: string }),
  goal_met_end: (deps, payload) => endGiftAtGoal(deps, payload as { donationId: string }),
};

/**
 * Right after a commit: numbers the new receipts and runs the jobs the transaction recorded.
 * Nothing here can undo the commit; a failure is logged and left for the worker's sweep.
 */
export async function applyEffects(deps: JobDeps, effects: LedgerEffects): Promise<void> {
  try {
    for (const organizationId of effects.organizations) await numberReceipts(deps.db, organizationId);
    if (effects.jobIds.length > 0) await runJobs(deps, jobRunners, effects.jobIds);
  } catch (error) {
    deps.logger?.warn({ err: error }, 'after-commit ledger work left for the worker');
  }
}

/** The worker's sweep, before it sends mail: receipts still unnumbered, jobs due or retried. */
export async function sweepLedgerWork(deps: JobDeps): Promise<void> {
  await numberAllReceipts(deps.db);
  while ((await runJobs(deps, jobRunners, null, 100)) === 100) { /* next batch */ }
}

/** One entry in a transaction of its own, its after-commit work done before this returns. */
export async function recordLedgerEntryAlone(deps: JobDeps, entry: NewLedgerEntry): Promise<number> {
  const effects = newEffects();
  const id = await deps.db.transaction((tx) => recordLedgerEntry(tx, effects, entry));
  await applyEffects(deps, effects);
  return id;
}

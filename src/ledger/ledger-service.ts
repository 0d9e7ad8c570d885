import type { Knex } from 'knex';
import { endGiftAtGoal } from '../donations/goal-met-end';
import { planInstallments } from '../donations/installment-plan';
import { applyCardUpdate } from '../gifts/card-update';
import { insertTogether } from '../db/statements-together';
import { ledgerEmailInserts } from '../email/ledger-emails';
import { batchFor } from './after-commit-batch';
import { appendLedgerEntry, appendPaymentEntryOnce, type NewLedgerEntry } from './ledger-repository';
import {
  newEffects, runJobs, type JobDeps, type JobRunner, type LedgerEffects, type LedgerJobKind, type SameWork,
} from './ledger-jobs';
import { checkMilestones, milestoneJobInsert } from './milestone-check';
import { numberAllReceipts, numberReceipts } from './receipt-numbers';

const RECEIPTED = new Set(['payment', 'offline', 'refund']);

/**
 * What a new entry causes, queued in the caller's transaction in one statement: its receipt and
 * staff notice, and a milestone check recorded to run on the committed sums.
 */
async function queueEntryEffects(tx: Knex, effects: LedgerEffects, id: number, entry: NewLedgerEntry): Promise<void> {
  const milestone = entry.gross > 0
    ? milestoneJobInsert(tx, { ledgerEntryId: id, campaignId: entry.campaignId, earmarkId: entry.earmarkId })
    : null;
  const results = await insertTogether(tx, [...ledgerEmailInserts(tx, { id, ...entry }), ...(milestone ? [milestone] : [])]);
  if (milestone) effects.jobIds.push(...(results.at(-1) ?? []));
  if (RECEIPTED.has(entry.kind)) effects.organizations.add(entry.organizationId);
}

/**
 * Appends one entry and everything it causes, in the caller's transaction. The running totals
 * follow the entry by a database trigger; its receipt number is given after commit.
 */
export async function recordLedgerEntry(tx: Knex, effects: LedgerEffects, entry: NewLedgerEntry): Promise<number> {
  const id = await appendLedgerEntry(tx, entry);
  await queueEntryEffects(tx, effects, id, entry);
  return id;
}

/** A charge's payment entry, unless the charge already has one (then null, and nothing is queued). */
export async function recordPaymentEntryOnce(tx: Knex, effects: LedgerEffects, entry: NewLedgerEntry & { stripeChargeId: string }): Promise<number | null> {
  const id = await appendPaymentEntryOnce(tx, entry);
  if (id !== null) await queueEntryEffects(tx, effects, id, entry);
  return id;
}

export const jobRunners: Readonly<Record<LedgerJobKind, JobRunner>> = {
  milestone_check: async (deps, payload) => {
    // The gifts it finds at their goal are cancelled by jobs of their own, once its transaction commits.
    const effects = newEffects();
    await checkMilestones(deps.db, payload as { ledgerEntryId: number; campaignId: string; earmarkId: string }, effects);
    if (effects.stripeJobIds.length > 0) await runJobs(deps, jobRunners, effects.stripeJobIds);
  },
  installment_plan: (deps, payload) => planInstallments(deps, payload as { donationId: string; subscriptionId: string }),
  goal_met_end: (deps, payload) => endGiftAtGoal(deps, payload as { donationId: string }),
  card_update: (deps, payload) => applyCardUpdate(deps, payload as Parameters<typeof applyCardUpdate>[1]),
};

/** Milestone checks of one campaign and earmark claimed together: the last one looks for all. */
const sameMilestoneCheck: SameWork = (kind, payload) =>
  (kind === 'milestone_check' ? `milestone:${String(payload.campaignId)}:${String(payload.earmarkId)}` : null);

/** One after-commit pass for the transactions that committed since the last one began. */
async function afterCommitPass(deps: JobDeps, effects: LedgerEffects): Promise<void> {
  try {
    for (const organizationId of effects.organizations) await numberReceipts(deps.db, organizationId);
    if (effects.jobIds.length > 0) await runJobs(deps, jobRunners, effects.jobIds, effects.jobIds.length, sameMilestoneCheck);
  } catch (error) {
    deps.logger?.warn({ err: error }, 'after-commit ledger work left for the worker');
  }
}

/**
 * Right after a commit: numbers the new receipts and runs the milestone checks the transaction
 * recorded, in a pass shared with the transactions that commit meanwhile (after-commit-batch.ts),
 * then runs its own Stripe-writing jobs. Nothing here can undo the commit; a failure is logged
 * and left for the worker's sweep.
 */
export async function applyEffects(deps: JobDeps, effects: LedgerEffects): Promise<void> {
  if (effects.organizations.size > 0 || effects.jobIds.length > 0) await batchFor(deps.db, afterCommitPass).add(deps, effects);
  if (effects.stripeJobIds.length === 0) return;
  try {
    await runJobs(deps, jobRunners, effects.stripeJobIds);
  } catch (error) {
    deps.logger?.warn({ err: error }, 'after-commit Stripe job left for the worker');
  }
}

/** The worker's sweep, before it sends mail: receipts still unnumbered, jobs due or retried. */
export async function sweepLedgerWork(deps: JobDeps): Promise<void> {
  await numberAllReceipts(deps.db);
  while ((await runJobs(deps, jobRunners, null, 100, sameMilestoneCheck)) === 100) { /* next batch */ }
}

/** One entry in a transaction of its own, its after-commit work done before this returns. */
export async function recordLedgerEntryAlone(deps: JobDeps, entry: NewLedgerEntry): Promise<number> {
  const effects = newEffects();
  const id = await deps.db.transaction((tx) => recordLedgerEntry(tx, effects, entry));
  await applyEffects(deps, effects);
  return id;
}

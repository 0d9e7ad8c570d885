import type { Knex } from 'knex';
import type { Logger } from '../lib/logger';
import type { PaymentGateway } from '../stripe/payment-types';

export type LedgerJobKind = 'milestone_check' | 'installment_plan' | 'goal_met_end' | 'card_update';

/**
 * What one transaction leaves to do once it commits: the jobs it recorded (durable rows, so a
 * crash leaves them for the worker) and the organizations whose new entries need receipt numbers.
 */
export interface LedgerEffects {
  /** Jobs of the database alone (milestone checks): run in the process's shared after-commit pass. */
  readonly jobIds: number[];
  /** Jobs that write to Stripe: run by the transaction's own caller, so no other gift waits on Stripe. */
  readonly stripeJobIds: number[];
  readonly organizations: Set<string>;
}

export const newEffects = (): LedgerEffects => ({ jobIds: [], stripeJobIds: [], organizations: new Set() });

export interface JobDeps {
  readonly db: Knex;
  readonly logger?: Logger | null;
  /** Needed by Stripe-writing jobs only; without it they are left to the worker. */
  readonly gateway?: PaymentGateway | null;
}

export type JobRunner = (deps: JobDeps, payload: Record<string, unknown>) => Promise<void>;

/**
 * Records a job in the caller's transaction. With a dedupe key, an existing job of that key is
 * queued again if it already ran, and left alone if it is still waiting.
 */
export async function recordJob(
  tx: Knex, effects: LedgerEffects, kind: LedgerJobKind, payload: Record<string, unknown>, dedupeKey: string | null = null,
): Promise<void> {
  const insert = tx('ledger_jobs').insert({ kind, payload: JSON.stringify(payload), dedupe_key: dedupeKey });
  const rows: Array<{ id: number }> = dedupeKey
    ? await insert.onConflict('dedupe_key')
      .merge({ status: 'queued', attempts: 0, next_attempt_at: tx.fn.now(), payload: JSON.stringify(payload) })
      .where('ledger_jobs.status', '<>', 'queued').returning('id')
    : await insert.returning('id');
  for (const row of rows) effects.stripeJobIds.push(Number(row.id));
}

const LEASE_MS = 5 * 60_000;
const MAX_ATTEMPTS = 10;

interface JobRow { id: number; kind: LedgerJobKind; payload: Record<string, unknown>; attempts: number }

/**
 * Claims jobs (the named ones, else every due one) in a short transaction: the lease moves
 * next_attempt_at ahead, so no other runner takes a job while it runs, and no lock is held while
 * it talks to Stripe. A failure is retried later with a growing delay, then left `failed`.
 */
async function claim(db: Knex, ids: readonly number[] | null, limit: number): Promise<JobRow[]> {
  const { rows } = await db.raw(
    `update ledger_jobs set attempts = attempts + 1, next_attempt_at = now() + (? * interval '1 millisecond')
     where id in (select id from ledger_jobs where status = 'queued' and next_attempt_at <= now()
                  ${ids ? 'and id = any(?::bigint[])' : ''} order by id limit ? for update skip locked)
     returning id, kind, payload, attempts`,
    ids ? [LEASE_MS, [...ids], limit] : [LEASE_MS, limit],
  );
  return (rows as JobRow[]).map((r) => ({ ...r, id: Number(r.id) })).sort((a, b) => a.id - b.id);
}

/**
 * Jobs whose payloads do the same work (several milestone checks of one earmark claimed
 * together, say) run once: the last of them runs, on sums that already hold every earlier
 * job's entry, and all are marked done with it.
 */
export type SameWork = (kind: LedgerJobKind, payload: Record<string, unknown>) => string | null;

function groupBySameWork(jobs: JobRow[], sameWork: SameWork | undefined): JobRow[][] {
  const groups = new Map<string, JobRow[]>();
  for (const job of jobs) {
    const key = sameWork?.(job.kind, job.payload) ?? `job:${job.id}`;
    const group = groups.get(key);
    if (group) group.push(job);
    else groups.set(key, [job]);
  }
  return [...groups.values()].sort((a, b) => (a.at(-1)?.id ?? 0) - (b.at(-1)?.id ?? 0));
}

export async function runJobs(
  deps: JobDeps, runners: Readonly<Record<LedgerJobKind, JobRunner>>, ids: readonly number[] | null = null, limit = 100,
  sameWork?: SameWork,
): Promise<number> {
  const jobs = await claim(deps.db, ids, limit);
  const done: number[] = [];
  for (const group of groupBySameWork(jobs, sameWork)) {
    const last = group[group.length - 1] as JobRow;
    try {
      await runners[last.kind](deps, last.payload);
      done.push(...group.map((job) => job.id));
    } catch (error) {
      for (const job of group) {
        const giveUp = job.attempts >= MAX_ATTEMPTS;
        const delayMs = Math.min(6 * 3_600_000, 30_000 * 2 ** (job.attempts - 1));
        await deps.db('ledger_jobs').where({ id: job.id }).update({
          status: giveUp ? 'failed' : 'queued', last_error: String(error instanceof Error ? error.message : error).slice(0, 1000),
          next_attempt_at: new Date(Date.now() + delayMs),
        });
        deps.logger?.[giveUp ? 'error' : 'warn']({ err: error, jobId: job.id, kind: job.kind, attempts: job.attempts }, 'ledger job failed');
      }
    }
  }
  if (done.length > 0) {
    await deps.db('ledger_jobs').whereIn('id', done).update({ status: 'done', done_at: deps.db.fn.now(), last_error: null });
  }
  return jobs.length;
}

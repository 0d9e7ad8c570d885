import type { Knex } from 'knex';
import { newEffects, type JobDeps, type LedgerEffects } from './ledger-jobs';

/** What one pass does with the effects of every transaction that committed before it began. */
export type BatchWork = (deps: JobDeps, effects: LedgerEffects) => Promise<void>;

interface Pending {
  effects: LedgerEffects;
  deps: JobDeps;
  waiters: Array<() => void>;
}

/**
 * Joins the after-commit work of concurrent transactions into one pass at a time per database
 * handle: a caller's promise settles when a pass that took its effects has finished, so it
 * still returns with its receipts numbered and its jobs run. While one pass runs, every
 * transaction that commits meanwhile waits for the next, which then numbers an organization's
 * receipts once and claims all their jobs in one statement, instead of once per gift.
 */
export class AfterCommitBatch {
  private pending: Pending | null = null;
  private running = false;

  constructor(private readonly work: BatchWork) {}

  add(deps: JobDeps, effects: LedgerEffects): Promise<void> {
    return new Promise((resolve) => {
      const pending = this.pending ??= { effects: newEffects(), deps, waiters: [] };
      pending.effects.jobIds.push(...effects.jobIds);
      pending.effects.stripeJobIds.push(...effects.stripeJobIds);
      for (const organizationId of effects.organizations) pending.effects.organizations.add(organizationId);
      // A pass can run Stripe-writing jobs only with a gateway: any caller's that has one will do.
      if (!pending.deps.gateway && deps.gateway) pending.deps = { ...pending.deps, gateway: deps.gateway };
      if (!pending.deps.logger && deps.logger) pending.deps = { ...pending.deps, logger: deps.logger };
      pending.waiters.push(resolve);
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.pending) {
        const { effects, deps, waiters } = this.pending;
        this.pending = null;
        try {
          await this.work(deps, effects);
        } finally {
          for (const resolve of waiters) resolve();
        }
      }
    } finally {
      this.running = false;
    }
  }
}

const batches = new WeakMap<Knex, AfterCommitBatch>();

/** The one batch of a database handle (so every service of one process shares it). */
export function batchFor(db: Knex, work: BatchWork): AfterCommitBatch {
  let batch = batches.get(db);
  if (!batch) {
    batch = new AfterCommitBatch(work);
    batches.set(db, batch);
  }
  return batch;
}

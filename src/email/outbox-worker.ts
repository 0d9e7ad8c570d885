import type { Knex } from 'knex';
import type { Logger } from '../lib/logger';
import type { MailTransport } from './mail-transport';
import { planMessage, type EmailRow } from './message-builder';
import { queueStaffDigests } from './staff-digest';
import type { EmailRenderer } from './renderer';

export interface OutboxOptions {
  readonly db: Knex;
  readonly transport: MailTransport;
  readonly renderer: EmailRenderer;
  readonly logger: Logger;
  readonly publicUrl: string;
  readonly mailFrom: string;
  /** After this many failed attempts a message is `failed` and left for a person. */
  readonly maxAttempts?: number;
  /** First retry delay; each further one doubles, up to six hours. */
  readonly baseDelayMs?: number;
  readonly pollMs?: number;
  readonly batchSize?: number;
  /** The background tick sends at most this many (a burst of gifts must not starve the webhooks). */
  readonly maxPerTick?: number;
  /** A message still `sending` this long after it was claimed was orphaned by a crash. */
  readonly staleMs?: number;
  /** Runs before each sweep: the ledger's after-commit work a crash or a failure left behind. */
  readonly beforeSweep?: () => Promise<void>;
}

export interface DrainResult {
  readonly sent: number;
  readonly retried: number;
  readonly failed: number;
}

export interface OutboxWorker {
  /** Sends every message due at `now` (default: the clock), until none is left. */
  drain(now?: Date): Promise<DrainResult>;
  start(): void;
  stop(): Promise<void>;
}

const MAX_DELAY_MS = 6 * 60 * 60 * 1000;

export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.max(0, attempts - 1));
}

function errorText(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1000);
}

/**
 * The email table is the queue. A message is claimed (queued → sending, attempts + 1) under
 * FOR UPDATE SKIP LOCKED before it is sent, so two workers never take the same row; it is then
 * marked sent, or put back with a later next_attempt_at, or failed after maxAttempts. Nothing is
 * enqueued anywhere else, so a row committed by a webhook is always found by the next sweep,
 * even if the process died right after the commit.
 */
export function createOutboxWorker(o: OutboxOptions): OutboxWorker {
  const maxAttempts = o.maxAttempts ?? 8;
  const baseDelayMs = o.baseDelayMs ?? 60_000;
  const batchSize = o.batchSize ?? 20;
  const maxPerTick = o.maxPerTick ?? 40;
  const staleMs = o.staleMs ?? 15 * 60_000;
  const domain = new URL(o.publicUrl).hostname || 'colecta.local';
  let timer: NodeJS.Timeout | null = null;
  let lastDigestCheck = 0;
  let running: Promise<DrainResult> | null = null;

  /**
   * Claims commit without waiting for the disk: during a burst of gifts their many small commits
   * would otherwise queue for the WAL flush beside the webhooks'. A lost claim only leaves the row
   * queued. Marking a row sent is durable (never `lightly`): a lost mark would send it twice.
   */
  function lightly<T>(work: (tx: Knex) => Promise<T>): Promise<T> {
    return o.db.transaction(async (tx) => {
      await tx.raw('set local synchronous_commit = off');
      return work(tx);
    });
  }

  async function claim(now: Date, limit: number): Promise<EmailRow[]> {
    // An at-least-once edge: a worker that died between the SMTP "250" and marking the row
    // leaves it `sending`; after staleMs it is sent again with the same Message-ID.
    await o.db('emails').where({ status: 'sending' }).where('claimed_at', '<', new Date(now.getTime() - staleMs))
      .update({ status: 'queued', next_attempt_at: now });
    const result = await lightly((tx) => tx.raw(
      `update emails set status = 'sending', attempts = attempts + 1, claimed_at = ?
       where id in (select id from emails where status = 'queued' and next_attempt_at <= ?
                      and not exists (select 1 from ledger_entries l where l.id = emails.ledger_entry_id
                                        and l.receipt_number is null and l.kind in ('payment', 'offline', 'refund'))
                    order by next_attempt_at, id limit ? for update skip locked)
       returning *`,
      [now, now, limit],
    ));
    // RETURNING keeps no order; oldest first, as claimed.
    return (result.rows as EmailRow[]).map((r) => ({ ...r, id: Number(r.id) })).sort((a, b) => a.id - b.id);
  }

  async function send(row: EmailRow): Promise<string> {
    const plan = await planMessage(o.db, row, o.publicUrl);
    const rendered = o.renderer.render(plan.template, plan.locale, plan.model);
    return o.transport.send({
      from: o.mailFrom, to: row.recipient, subject: rendered.subject, html: rendered.html, text: rendered.text,
      headers: plan.headers, messageId: `<email-${row.id}@${domain}>`, emailId: row.id,
    });
  }

  async function markSent(row: EmailRow, providerId: string): Promise<void> {
    const mark = () => o.db('emails').where({ id: row.id, status: 'sending' }).update({
      status: 'sent', sent_at: new Date(), provider_message_id: providerId, last_error: null,
    });
    try {
      await mark();
    } catch {
      // Never put a delivered message back in the queue; one more try, else it stays `sending`.
      await mark().catch((error) => o.logger.error({ err: error, emailId: row.id }, 'email sent but not marked sent'));
    }
  }

  async function deliver(row: EmailRow, now: Date): Promise<'sent' | 'retried' | 'failed'> {
    let providerId: string;
    try {
      providerId = await send(row);
    } catch (error) {
      // Rendering reads the database, which may be briefly away too: every failure is retried,
      // and one that never heals ends as `failed` after maxAttempts.
      const giveUp = row.attempts >= maxAttempts;
      const next = new Date(now.getTime() + retryDelayMs(row.attempts, baseDelayMs));
      await o.db('emails').where({ id: row.id, status: 'sending' }).update({
        status: giveUp ? 'failed' : 'queued', last_error: errorText(error), ...(giveUp ? {} : { next_attempt_at: next }),
      });
      o.logger[giveUp ? 'error' : 'warn']({ err: error, emailId: row.id, attempts: row.attempts, giveUp }, 'email not sent');
      return giveUp ? 'failed' : 'retried';
    }
    await markSent(row, providerId);
    o.logger.info({ emailId: row.id, template: row.template }, 'email sent');
    return 'sent';
  }

  async function drainOnce(now: Date | undefined, limit: number): Promise<DrainResult> {
    const totals = { sent: 0, retried: 0, failed: 0 };
    // A receipt is mailed only once its entry has its number (given after the entry commits).
    await o.beforeSweep?.().catch((error) => o.logger.error({ err: error }, 'ledger sweep failed'));
    for (let done = 0; done < limit;) {
      const at = now ?? new Date();
      const batch = await claim(at, Math.min(batchSize, limit - done));
      if (batch.length === 0) break;
      for (const row of batch) totals[await deliver(row, at)] += 1;
      done += batch.length;
    }
    return totals;
  }

  async function sweep(now: Date | undefined, limit: number): Promise<DrainResult> {
    // One sweep at a time in this process; a caller arriving mid-sweep waits for it, then sweeps.
    while (running) await running.catch(() => undefined);
    running = drainOnce(now, limit);
    try {
      return await running;
    } finally {
      running = null;
    }
  }

  const worker: OutboxWorker = {
    drain: (now) => sweep(now, Number.POSITIVE_INFINITY),
    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        if (Date.now() - lastDigestCheck > 10 * 60_000) {
          lastDigestCheck = Date.now();
          queueStaffDigests(o.db).catch((error) => o.logger.error({ err: error }, 'staff digests not queued'));
        }
        sweep(undefined, maxPerTick).catch((error) => o.logger.error({ err: error }, 'outbox sweep failed'));
      }, o.pollMs ?? 2000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      while (running) await running.catch(() => undefined);
      o.transport.close();
    },
  };
  return worker;
}

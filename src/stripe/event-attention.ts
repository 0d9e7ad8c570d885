import type { Knex } from 'knex';
import { bindDb } from '../db/bind-db';
import { z } from 'zod';

/**
 * Stripe retries a refused event for three days, then gives up and may disable the endpoint.
 * An event of ours still failing after this many attempts is shown to staff, with its error,
 * rather than left to fail unseen.
 */
export const ATTENTION_AFTER_ATTEMPTS = 3;

export const attentionEventSchema = z.object({
  id: z.string(),
  type: z.string(),
  objectId: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable().describe('ISO 8601'),
  receivedAt: z.string().describe('ISO 8601'),
});
export type AttentionEvent = z.infer<typeof attentionEventSchema>;

const iso = (value: Date | string | null): string | null => (value == null ? null : new Date(value).toISOString());

/** Events never processed that failed at least `minAttempts` times, the most recent failure first. */
export async function listEventsNeedingAttention(
  db: Knex, options: { minAttempts?: number; limit?: number } = {},
): Promise<AttentionEvent[]> {
  const rows = await db('stripe_events')
    .whereNull('processed_at')
    .where('attempts', '>=', options.minAttempts ?? ATTENTION_AFTER_ATTEMPTS)
    .orderBy([{ column: 'last_error_at', order: 'desc', nulls: 'last' }, { column: 'id' }])
    .limit(options.limit ?? 200)
    .select('id', 'type', 'object_id', 'attempts', 'last_error', 'last_error_at', 'received_at');
  return rows.map((r) => ({
    id: r.id, type: r.type, objectId: r.object_id, attempts: Number(r.attempts), lastError: r.last_error,
    lastErrorAt: iso(r.last_error_at), receivedAt: iso(r.received_at) as string,
  }));
}

export const eventQueueSchema = z.object({
  waiting: z.number().int().describe('events received, answered and not yet processed'),
  failing: z.number().int().describe('of those, events whose last attempt failed (retried by Colecta)'),
  oldestReceivedAt: z.string().nullable().describe('ISO 8601; when the longest-waiting event arrived'),
});
export type EventQueueFigures = z.infer<typeof eventQueueSchema>;

/** What the webhook queue holds: events stored in a burst and answered before they were processed. */
export async function eventQueueFigures(db: Knex): Promise<EventQueueFigures> {
  const row = await db('stripe_events').whereNull('processed_at').whereNotNull('queued_payload')
    .first(db.raw('count(*) as waiting'), db.raw('count(last_error) as failing'), db.raw('min(received_at) as oldest'));
  return { waiting: Number(row?.waiting ?? 0), failing: Number(row?.failing ?? 0), oldestReceivedAt: iso(row?.oldest ?? null) };
}

export const createEventAttentionService = (db: Knex) => bindDb(db, { listEventsNeedingAttention, eventQueueFigures });

export type EventAttentionService = ReturnType<typeof createEventAttentionService>;

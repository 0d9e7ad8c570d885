import type { Knex } from 'knex';
import type { VerifiedEvent } from './payment-types';
import { jsonColumn } from '../db/json-column';

/** Stripe stops retrying an event after three days; a queued one is given up on at the same age. */
const GIVE_UP_AFTER = "interval '3 days'";
/** A claimed event not processed within this long was held by an instance that died. */
const CLAIM_LEASE = "interval '2 minutes'";
const FIRST_RETRY_SECONDS = 30;
/** After Stripe's rate limit: 2 to 5 seconds, spread so that instances do not all come back at once. */
const AFTER_RATE_LIMIT = "(2 + 3 * random()) * interval '1 second'";
const LAST_RETRY_SECONDS = 3600;

interface QueuedPayload {
  readonly object: unknown;
  readonly previousAttributes: Readonly<Record<string, unknown>> | null;
}

/** The id of an event's object, for the stripe_events row. */
export function objectIdOf(object: unknown): string | null {
  const id = (object as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
}

/**
 * Stores a verified event for later processing. An event already processed is a duplicate; one
 * that failed before keeps its retry time, so a redelivery during a burst does not jump the queue.
 */
export async function queueEvent(
  db: Knex, event: VerifiedEvent, options: { afterRateLimit?: boolean } = {},
): Promise<'queued' | 'duplicate'> {
  const payload: QueuedPayload = { object: event.object, previousAttributes: event.previousAttributes ?? null };
  const due = options.afterRateLimit ? `now() + ${AFTER_RATE_LIMIT}` : 'now()';
  const result = await db.raw(
    `insert into stripe_events (id, type, object_id, livemode, stripe_created_at, attempts, queued_payload, next_attempt_at)
     values (?, ?, ?, ?, ?, 0, ?, ${due})
     on conflict (id) do update
       set queued_payload = excluded.queued_payload,
           next_attempt_at = coalesce(stripe_events.next_attempt_at, ${due})
       where stripe_events.processed_at is null
     returning id`,
    [event.id, event.type, objectIdOf(event.object), event.livemode, event.created, JSON.stringify(payload)],
  );
  return result.rows.length > 0 ? 'queued' : 'duplicate';
}

interface QueuedRow {
  id: string;
  type: string;
  livemode: boolean;
  stripe_created_at: Date | string;
  queued_payload: QueuedPayload | string;
}

/**
 * Claims up to `limit` queued events that are due, under FOR UPDATE SKIP LOCKED so that two
 * instances never take the same one; the claim is a lease, so a crashed instance's events come back.
 */
export async function claimQueuedEvents(db: Knex, limit: number): Promise<VerifiedEvent[]> {
  const result = await db.raw<{ rows: QueuedRow[] }>(
    `update stripe_events set next_attempt_at = now() + ${CLAIM_LEASE}
     where id in (
       select id from stripe_events
       where processed_at is null and queued_payload is not null and next_attempt_at <= now()
       order by next_attempt_at, received_at
       limit ?
       for update skip locked)
     returning id, type, livemode, stripe_created_at, queued_payload`,
    [limit],
  );
  return result.rows.map((row) => {
    const payload = jsonColumn<QueuedPayload>(row.queued_payload);
    return {
      id: row.id, type: row.type, livemode: row.livemode, created: new Date(row.stripe_created_at),
      object: payload.object, previousAttributes: payload.previousAttributes,
    };
  });
}

/**
 * Due again after `delay` (SQL of an interval, read from the row), unless three days have passed
 * since it came: then it is given up, the row keeping its error for staff, the payload deleted.
 */
async function dueAgainAfter(db: Knex, id: string, delay: string): Promise<void> {
  const givenUp = `received_at <= now() - ${GIVE_UP_AFTER}`;
  await db('stripe_events')
    .where({ id })
    .whereNull('processed_at')
    .update({
      next_attempt_at: db.raw(`case when ${givenUp} then null else now() + ${delay} end`),
      queued_payload: db.raw(`case when ${givenUp} then null else queued_payload end`),
    });
}

/** After a failed attempt: again in 30 s, doubling up to an hour, as Stripe itself would retry. */
export async function retryQueuedEventLater(db: Knex, id: string): Promise<void> {
  await dueAgainAfter(db, id,
    `least(${LAST_RETRY_SECONDS}, ${FIRST_RETRY_SECONDS} * power(2, greatest(attempts - 1, 0))) * interval '1 second'`);
}

/** Stripe's rate limit, not the event, stopped it: due again in 2 to 5 seconds, with no attempt counted and no error kept. */
export async function retryQueuedEventSoon(db: Knex, id: string): Promise<void> {
  await dueAgainAfter(db, id, AFTER_RATE_LIMIT);
}

/** Claimed events this instance will not start (it is stopping): due again at once, for another. */
export async function releaseQueuedEvents(db: Knex, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db('stripe_events').whereIn('id', ids).whereNull('processed_at').update({ next_attempt_at: db.fn.now() });
}

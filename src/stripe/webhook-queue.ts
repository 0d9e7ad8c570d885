import {
  claimQueuedEvents, queueEvent, releaseQueuedEvents, retryQueuedEventLater, retryQueuedEventSoon,
} from './event-queue-repository';
import type { VerifiedEvent } from './payment-types';
import { processEvent, StripeBusyError, type EventOutcome, type WebhookProcessorDeps } from './webhook-processor';

export type DeliveryOutcome = EventOutcome | 'queued';

/**
 * Stripe asks for a quick 2xx and retries what it does not get. A delivery is processed while
 * it waits when one of the instance's slots is free, as at any ordinary moment, so Stripe's
 * answer says whether it worked. In a burst beyond the slots, the verified event is stored and
 * answered 200 at once; the queue processes it as slots free up (here, or in any instance or
 * worker whose sweep finds it). Processing is the same exactly-once transaction either way.
 * When Stripe answers a read with its rate limit (429), the event is queued (or stays queued)
 * for a few seconds and this instance claims nothing for a second: a burst slows to the pace
 * Stripe allows instead of failing.
 */
export interface WebhookQueue {
  deliver(event: VerifiedEvent): Promise<DeliveryOutcome>;
  /** Starts on whatever is due, without waiting (the worker's tick). */
  kick(): void;
  /** Processes everything due until none is left (tests, and the benchmark's end), waiting out a pause for Stripe's rate limit. */
  drain(): Promise<void>;
  /** Waits for the events in hand; claims no more. */
  stop(): Promise<void>;
}

/** After a 429 from Stripe, the instance claims no queued event for this long. */
const STRIPE_BUSY_PAUSE_MS = 1000;

/** The instance's settings (`WEBHOOK_SLOTS`, `WEBHOOK_INLINE_SLOTS`; their defaults are in config.ts). */
export interface WebhookQueueOptions {
  /** Events one instance processes at once, delivered and queued together. */
  readonly slots: number;
  /** A delivery is processed while Stripe waits only while fewer than this many events are in hand. */
  readonly inlineSlots: number;
}

export function createWebhookQueue(deps: WebhookProcessorDeps, options: WebhookQueueOptions): WebhookQueue {
  const slots = Math.max(1, options.slots);
  const inlineSlots = Math.min(slots, options.inlineSlots);
  let busy = 0;
  let stopped = false;
  let claiming: Promise<number> | null = null;
  let claimAgain = false;
  // Whether a claim may find something: set by this process queueing, by the worker's tick (other
  // instances' events, a crash's leftovers) and by a full claim; so a quiet delivery claims nothing.
  let mayHaveQueued = false;
  let queuedCount = 0;
  /** Claimed (a slot's worth at a time, so one claim's commit serves many events), not yet started. */
  const ready: VerifiedEvent[] = [];
  const inHand = new Set<Promise<void>>();
  let claimsPausedUntil = 0;
  let pauseTimer: NodeJS.Timeout | null = null;

  function pauseClaims(): void {
    claimsPausedUntil = Date.now() + STRIPE_BUSY_PAUSE_MS;
    mayHaveQueued = true;
    if (pauseTimer || stopped) return;
    pauseTimer = setTimeout(() => {
      pauseTimer = null;
      void pump();
    }, STRIPE_BUSY_PAUSE_MS);
    pauseTimer.unref();
  }

  async function processQueued(event: VerifiedEvent): Promise<void> {
    try {
      await processEvent(deps, event, { claimedUnprocessed: true });
    } catch (error) {
      if (error instanceof StripeBusyError) {
        pauseClaims();
        await retryQueuedEventSoon(deps.db, event.id).catch((failure: unknown) =>
          deps.logger.error({ err: failure, eventId: event.id }, 'could not schedule the queued event again'));
        return;
      }
      // processEvent has logged the error and counted the attempt on the event's row.
      await retryQueuedEventLater(deps.db, event.id).catch((error: unknown) =>
        deps.logger.error({ err: error, eventId: event.id }, 'could not schedule the queued event again'));
    }
  }

  function startReady(): void {
    while (busy < slots && ready.length > 0 && !stopped) {
      busy += 1;
      const held: Promise<void> = processQueued(ready.shift() as VerifiedEvent).finally(() => {
        busy -= 1;
        inHand.delete(held);
        startReady();
        if (ready.length === 0 && mayHaveQueued) void pump();
      });
      inHand.add(held);
    }
  }

  /** Claims a batch of due events when none is waiting and a slot is free; answers how many. */
  async function claimOnce(): Promise<number> {
    startReady();
    if (stopped || ready.length > 0 || busy >= slots || Date.now() < claimsPausedUntil) return 0;
    const queuedBefore = queuedCount;
    let events: VerifiedEvent[];
    try {
      events = await claimQueuedEvents(deps.db, slots);
    } catch (error) {
      deps.logger.error({ err: error }, 'could not claim queued webhook events');
      return 0;
    }
    if (events.length < slots && queuedCount === queuedBefore) mayHaveQueued = false;
    ready.push(...events);
    startReady();
    return events.length;
  }

  function pump(): Promise<number> {
    if (claiming) {
      claimAgain = true;
      return claiming;
    }
    claiming = claimOnce().finally(() => {
      claiming = null;
      if (claimAgain) {
        claimAgain = false;
        void pump();
      }
    });
    return claiming;
  }

  return {
    async deliver(event) {
      if (busy < inlineSlots && !stopped) {
        busy += 1;
        try {
          return await processEvent(deps, event);
        } catch (error) {
          if (!(error instanceof StripeBusyError)) throw error;
          pauseClaims();
        } finally {
          busy -= 1;
          startReady();
          if (ready.length === 0 && mayHaveQueued) void pump();
        }
        // Only Stripe's rate limit gets here: the event is stored, as in a burst, and due once
        // Stripe has had a few seconds; Stripe gets its 200.
        const outcome = await queueEvent(deps.db, event, { afterRateLimit: true });
        queuedCount += 1;
        return outcome;
      }
      const outcome = await queueEvent(deps.db, event);
      queuedCount += 1;
      mayHaveQueued = true;
      void pump();
      return outcome;
    },
    kick() {
      mayHaveQueued = true;
      void pump();
    },
    async drain() {
      mayHaveQueued = true;
      for (;;) {
        await pump();
        if (inHand.size > 0) {
          await Promise.race(inHand);
        } else if (Date.now() < claimsPausedUntil) {
          await new Promise((resolve) => setTimeout(resolve, claimsPausedUntil - Date.now()));
        } else if (ready.length === 0 && (await pump()) === 0 && inHand.size === 0 && ready.length === 0) {
          return;
        }
      }
    },
    async stop() {
      stopped = true;
      if (pauseTimer) clearTimeout(pauseTimer);
      // Claimed but not started: handed back at once rather than after their lease.
      const unstarted = ready.splice(0).map((event) => event.id);
      await Promise.allSettled([...inHand, releaseQueuedEvents(deps.db, unstarted)]);
    },
  };
}

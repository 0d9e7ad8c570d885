import type { Knex } from 'knex';
import { webhookHandlers, type WebhookHandlers } from '../../webhooks';
import { newEffects } from '../ledger/ledger-jobs';
import { applyEffects } from '../ledger/ledger-service';
import { scrubText, type Logger } from '../lib/logger';
import { objectIdOf } from './event-queue-repository';
import { ignoreIfForeign } from './foreign-events';
import type { PaymentGateway, VerifiedEvent } from './payment-types';
import { isStripeRateLimit } from './stripe-gateway';

export type EventOutcome = 'processed' | 'ignored' | 'duplicate';

/**
 * Stripe turned down a read before the transaction with its rate limit (429). Nothing was written
 * and nothing is wrong with the event: the queue keeps it, and tries it again in a few seconds.
 */
export class StripeBusyError extends Error {
  constructor(readonly eventId: string) {
    super(`Stripe's rate limit was reached while reading for event ${eventId}`);
    this.name = 'StripeBusyError';
  }
}

export interface WebhookProcessorDeps {
  readonly db: Knex;
  readonly gateway: PaymentGateway;
  readonly logger: Logger;
  readonly handlers?: WebhookHandlers;
}

function eventRow(event: VerifiedEvent) {
  return {
    id: event.id, type: event.type, object_id: objectIdOf(event.object), livemode: event.livemode,
    stripe_created_at: event.created,
  };
}

/**
 * Exactly once: the event row is written and the handler runs in one transaction. Concurrent
 * deliveries of one event queue on that row; the first commits with processed_at set and the
 * rest find it set. A failure rolls everything back and leaves the error on the row.
 * Stripe is never called inside the transaction: reads happen in the handler's `prepare`,
 * before it; writes are jobs recorded in it and run after commit (applyEffects), as are the
 * receipt numbers and milestone checks, so a gift never waits on another gift's commit.
 */
export async function processEvent(
  deps: WebhookProcessorDeps, event: VerifiedEvent, options: { claimedUnprocessed?: boolean } = {},
): Promise<EventOutcome> {
  const logger = deps.logger.child({ eventId: event.id, eventType: event.type });
  const handler = (deps.handlers ?? webhookHandlers)[event.type];

  // A queued event was claimed because it is unprocessed; a delivery asks (a replay stops here).
  if (!options.claimedUnprocessed) {
    const seen = await deps.db('stripe_events').where({ id: event.id }).first('processed_at');
    if (seen?.processed_at) return 'duplicate';
  }

  try {
    // A shared Stripe account: events about payments Colecta never made are answered 200 at once.
    if (handler && (await ignoreIfForeign(deps, event))) {
      logger.info({ outcome: 'ignored' }, 'webhook event is not about a Colecta payment');
      return 'ignored';
    }
    const prepared = handler?.prepare
      ? await handler.prepare({ gateway: deps.gateway, logger, db: deps.db }, event.object, event.previousAttributes) : undefined;
    const effects = newEffects();
    const outcome = await deps.db.transaction(async (tx): Promise<EventOutcome> => {
      // processed_at is written up front: it only becomes visible if the handler commits.
      // A concurrent delivery waits on the row, then finds it and takes the update path.
      // A claimed queued event has its row already: straight to the update.
      const inserted = options.claimedUnprocessed ? [] : await tx('stripe_events')
        .insert({ ...eventRow(event), attempts: 1, processed_at: tx.fn.now() })
        .onConflict('id')
        .ignore()
        .returning('id');
      if (inserted.length === 0) {
        const retried = await tx('stripe_events')
          .where({ id: event.id })
          .whereNull('processed_at')
          .update({
            attempts: tx.raw('attempts + 1'), processed_at: tx.fn.now(), last_error: null, queued_payload: null, next_attempt_at: null,
          })
          .returning('id');
        if (retried.length === 0) return 'duplicate';
      }
      if (handler) await handler({ tx, logger, eventCreated: event.created, effects }, event.object, prepared);
      return handler ? 'processed' : 'ignored';
    });
    await applyEffects({ db: deps.db, gateway: deps.gateway, logger }, effects);
    logger.info({ outcome }, 'webhook event handled');
    return outcome;
  } catch (error) {
    if (isStripeRateLimit(error)) {
      logger.warn('Stripe answered 429 (rate limit) to a read for this event; it waits in the queue');
      throw new StripeBusyError(event.id);
    }
    const message = scrubText(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    logger.error({ err: error }, 'webhook event failed');
    await deps.db('stripe_events')
      .insert({ ...eventRow(event), attempts: 1, last_error: message, last_error_at: deps.db.fn.now() })
      .onConflict('id')
      .merge({ attempts: deps.db.raw('stripe_events.attempts + 1'), last_error: message, last_error_at: deps.db.fn.now() });
    throw error;
  }
}

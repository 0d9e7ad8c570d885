import type { Knex } from 'knex';
import { webhookHandlers, type WebhookHandlers } from '../../webhooks';
import type { Logger } from '../lib/logger';
import type { PaymentGateway, VerifiedEvent } from './payment-types';

export type EventOutcome = 'processed' | 'ignored' | 'duplicate';

export interface WebhookProcessorDeps {
  readonly db: Knex;
  readonly gateway: PaymentGateway;
  readonly logger: Logger;
  readonly handlers?: WebhookHandlers;
}

function objectIdOf(object: unknown): string | null {
  const id = (object as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
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
 */
export async function processEvent(deps: WebhookProcessorDeps, event: VerifiedEvent): Promise<EventOutcome> {
  const logger = deps.logger.child({ eventId: event.id, eventType: event.type });
  const handler = (deps.handlers ?? webhookHandlers)[event.type];

  const seen = await deps.db('stripe_events').where({ id: event.id }).first('processed_at');
  if (seen?.processed_at) return 'duplicate';

  try {
    const outcome = await deps.db.transaction(async (tx): Promise<EventOutcome> => {
      const [row] = await tx('stripe_events')
        .insert({ ...eventRow(event), attempts: 1 })
        .onConflict('id')
        .merge({ attempts: tx.raw('stripe_events.attempts + 1') })
        .returning('processed_at');
      if (row?.processed_at) return 'duplicate';
      if (handler) await handler({ tx, gateway: deps.gateway, logger, eventCreated: event.created }, event.object);
      await tx('stripe_events').where({ id: event.id }).update({ processed_at: tx.fn.now(), last_error: null });
      return handler ? 'processed' : 'ignored';
    });
    logger.info({ outcome }, 'webhook event handled');
    return outcome;
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    logger.error({ err: error }, 'webhook event failed');
    await deps.db('stripe_events')
      .insert({ ...eventRow(event), attempts: 1, last_error: message, last_error_at: deps.db.fn.now() })
      .onConflict('id')
      .merge({ attempts: deps.db.raw('stripe_events.attempts + 1'), last_error: message, last_error_at: deps.db.fn.now() });
    throw error;
  }
}

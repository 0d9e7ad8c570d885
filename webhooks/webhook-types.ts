import type { EventContext, PrepareDeps } from '../src/donations/donation-events';

/** `data.previous_attributes` of an `*.updated` event (null for other events). */
export type PreviousAttributes = Readonly<Record<string, unknown>> | null | undefined;

/**
 * A handler may name a `prepare` step: it runs before the event's transaction opens (every
 * Stripe read, which must not hold locks) and its result is passed to the handler. It alone is
 * given the event's previous attributes: what changed decides what is read, and the handler
 * needs no more than what `prepare` makes of it.
 */
export type WebhookHandler = ((ctx: EventContext, object: unknown, prepared?: unknown) => Promise<void>) & {
  prepare?: (deps: PrepareDeps, object: unknown, previous?: PreviousAttributes) => Promise<unknown>;
};
export type WebhookHandlers = Readonly<Record<string, WebhookHandler>>;

/** A handler whose Stripe reads are in `prepare`; it refuses to run without their result. */
export function withPrepare<P>(
  prepare: (deps: PrepareDeps, object: unknown, previous?: PreviousAttributes) => Promise<P>,
  handle: (ctx: EventContext, object: unknown, prepared: P) => Promise<void>,
): WebhookHandler {
  const handler = async (ctx: EventContext, object: unknown, prepared?: unknown) => {
    if (prepared === undefined) throw new Error('prepare (the Stripe reads) must run before the event\'s transaction');
    await handle(ctx, object, prepared as P);
  };
  return Object.assign(handler, { prepare });
}

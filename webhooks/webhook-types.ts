import type { EventContext } from '../src/donations/donation-events';
import type { Logger } from '../src/lib/logger';
import type { PaymentGateway } from '../src/stripe/payment-types';

/**
 * A handler may name a `prepare` step: it runs before the event's transaction opens (slow
 * Stripe calls that must not hold locks) and its result is passed to the handler.
 */
export type WebhookHandler = ((ctx: EventContext, object: unknown, prepared?: unknown) => Promise<void>) & {
  prepare?: (deps: { gateway: PaymentGateway; logger: Logger }, object: unknown) => Promise<unknown>;
};
export type WebhookHandlers = Readonly<Record<string, WebhookHandler>>;

import type { EventContext } from '../src/donations/donation-events';

export type WebhookHandler = (ctx: EventContext, object: unknown) => Promise<void>;
export type WebhookHandlers = Readonly<Record<string, WebhookHandler>>;

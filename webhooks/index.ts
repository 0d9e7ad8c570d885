import { chargeHandlers } from './charge';
import { checkoutSessionHandlers } from './checkout-session';
import { disputeHandlers } from './dispute';
import { invoiceHandlers } from './invoice';
import { payoutHandlers } from './payout';
import { subscriptionHandlers } from './subscription';
import type { WebhookHandlers } from './webhook-types';

export type { WebhookHandler, WebhookHandlers } from './webhook-types';

/** Every Stripe event type Colecta acts on; any other type is recorded and ignored. */
export const webhookHandlers: WebhookHandlers = Object.freeze({
  ...checkoutSessionHandlers,
  ...invoiceHandlers,
  ...subscriptionHandlers,
  ...chargeHandlers,
  ...disputeHandlers,
  ...payoutHandlers,
});

export const HANDLED_EVENT_TYPES = Object.keys(webhookHandlers).sort();

import express, { Router } from 'express';
import { AppError } from '../lib/errors';
import type { PaymentGateway } from './payment-types';
import type { WebhookQueue } from './webhook-queue';

/** The signature is over the exact bytes Stripe sent, so this route alone reads a raw body. */
export function webhookRoutes(deps: { gateway: PaymentGateway; webhooks: WebhookQueue }): Router {
  const router = Router();
  router.post('/webhooks/stripe', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const event = deps.gateway.verifyEvent(body, req.get('stripe-signature'));
    try {
      const outcome = await deps.webhooks.deliver(event);
      res.status(200).json({ received: true, outcome });
    } catch {
      // Stripe retries on any non-2xx; the error itself stays on the event row and in the log.
      throw new AppError(500, 'webhook_failed', 'The event could not be processed; it will be retried');
    }
  });
  return router;
}

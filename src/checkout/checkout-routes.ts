import { Router, type RequestHandler } from 'express';
import { parseOr422 } from '../lib/validation';
import { checkoutRequestSchema } from './checkout-schemas';
import type { CheckoutService } from './checkout-service';

/** `limits`: the rate limits that run before a session is opened (checkout-rate-limit.ts). */
export function checkoutRoutes(deps: { checkout: CheckoutService }, limits: RequestHandler[] = []): Router {
  const router = Router();
  router.post('/api/checkout-sessions', ...limits, async (req, res) => {
    const body = parseOr422(checkoutRequestSchema, req.body);
    const session = await deps.checkout.startCheckout(body);
    res.status(201).json({ id: session.id, url: session.url });
  });
  return router;
}

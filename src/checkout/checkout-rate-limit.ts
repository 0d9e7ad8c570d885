import type { Request, RequestHandler, Response } from 'express';
import { rateLimit, type AugmentedRequest, type Options } from 'express-rate-limit';

export interface CheckoutLimits {
  /** Checkout sessions one IP address may open per window; 0 turns the limit off. */
  readonly perIp: number;
  /** Checkout sessions one supporter email may open per window; 0 turns the limit off. */
  readonly perEmail: number;
  readonly windowSeconds: number;
}

export type LimitedHandler = (req: Request, res: Response, retryAt: Date) => void | Promise<void>;

function emailOf(req: Request): string | null {
  const body = req.body as { email?: unknown; supporter?: { email?: unknown } } | undefined;
  const email = body?.supporter?.email ?? body?.email;
  return typeof email === 'string' && email.trim() !== '' ? email.trim().toLowerCase() : null;
}

/**
 * Card testers open checkout after checkout; these count the sessions actually opened (a
 * refused form does not count) per IP and per email. Memory stores: one process, and a
 * restart forgetting counts is acceptable for a brake like this.
 */
export function checkoutRateLimits(limits: CheckoutLimits, onLimited: LimitedHandler): RequestHandler[] {
  const common = (property: string): Partial<Options> => ({
    windowMs: limits.windowSeconds * 1000,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipFailedRequests: true,
    requestPropertyName: property,
    handler: (req, res, next, options) => {
      const info = (req as AugmentedRequest)[options.requestPropertyName];
      const retryAt = info?.resetTime ?? new Date(Date.now() + limits.windowSeconds * 1000);
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil((retryAt.getTime() - Date.now()) / 1000))));
      Promise.resolve(onLimited(req, res, retryAt)).catch(next);
    },
  });
  const handlers: RequestHandler[] = [];
  if (limits.perIp > 0) handlers.push(rateLimit({ ...common('rateLimitIp'), limit: limits.perIp }));
  if (limits.perEmail > 0) {
    handlers.push(rateLimit({
      ...common('rateLimitEmail'),
      limit: limits.perEmail,
      skip: (req) => emailOf(req) === null,
      keyGenerator: (req) => `email:${emailOf(req) ?? ''}`,
    }));
  }
  return handlers;
}

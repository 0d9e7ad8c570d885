import type { Request, RequestHandler } from 'express';
import { rateLimit, type AugmentedRequest, type Options } from 'express-rate-limit';
import { AppError } from '../lib/errors';

export interface CheckoutLimits {
  /** Checkout sessions one IP address may open per window; 0 turns the limit off. */
  readonly perIp: number;
  /** Checkout sessions one supporter email may open per window; 0 turns the limit off. */
  readonly perEmail: number;
  readonly windowSeconds: number;
}

/** A 429 that says when to try again; the form answers it in the supporter's language. */
export class RateLimitedError extends AppError {
  constructor(readonly retryAt: Date) {
    super(429, 'rate_limited', `Too many checkout attempts; try again after ${retryAt.toISOString()}`);
  }
}

function emailOf(req: Request): string | null {
  const body = req.body as { email?: unknown; supporter?: { email?: unknown } } | undefined;
  const email = body?.supporter?.email ?? body?.email;
  return typeof email === 'string' && email.trim() !== '' ? email.trim().toLowerCase() : null;
}

/**
 * Card testers open checkout after checkout; these count the sessions actually opened (a
 * refused form does not count) per IP and per email. Memory stores: one process, and a
 * restart forgetting counts is acceptable for a brake like this. Build them once and put the
 * same handlers before every way of opening a checkout (JSON API and HTML form).
 */
export function checkoutRateLimits(limits: CheckoutLimits): RequestHandler[] {
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
      next(new RateLimitedError(retryAt));
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

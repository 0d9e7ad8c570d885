import type { Request, RequestHandler } from 'express';
import { AppError } from '../lib/errors';
import { clientAddress, limitRequests, type LimiterFactory } from '../lib/rate-limits';

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
 * refused form gives its point back) per IP and per email, in the limiter's store: shared
 * through PostgreSQL when there is one. Build them once and put the same handlers before every
 * way of opening a checkout (JSON API and HTML form).
 */
export function checkoutRateLimits(limits: CheckoutLimits, limiter: LimiterFactory): RequestHandler[] {
  const limited = (_req: Request, retryAt: Date, next: (error?: unknown) => void) => next(new RateLimitedError(retryAt));
  const handlers: RequestHandler[] = [];
  if (limits.perIp > 0) {
    handlers.push(limitRequests(limiter({ name: 'checkout_ip', points: limits.perIp, windowSeconds: limits.windowSeconds }), {
      key: clientAddress, onlySuccessful: true, limited,
    }));
  }
  if (limits.perEmail > 0) {
    handlers.push(limitRequests(limiter({ name: 'checkout_email', points: limits.perEmail, windowSeconds: limits.windowSeconds }), {
      key: emailOf, onlySuccessful: true, limited,
    }));
  }
  return handlers;
}

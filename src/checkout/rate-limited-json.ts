import type { Request, Response } from 'express';

/** The JSON API's 429, in the error shape every route uses. */
export function rateLimitedJson(_req: Request, res: Response, retryAt: Date): void {
  res.status(429).json({
    error: { code: 'rate_limited', message: `Too many checkout attempts; try again after ${retryAt.toISOString()}`, retryAt: retryAt.toISOString() },
  });
}

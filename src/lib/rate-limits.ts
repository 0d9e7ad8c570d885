import type { Request, RequestHandler } from 'express';
import type { Knex } from 'knex';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** The table the shared limits count in (migration 20261201130100). */
export const RATE_LIMIT_TABLE = 'rate_limits';

export interface LimitSpec {
  /** Names the counter, e.g. `checkout_ip`; keys of different limits never collide. */
  readonly name: string;
  readonly points: number;
  readonly windowSeconds: number;
}

export type LimiterFactory = (spec: LimitSpec) => RateLimiterAbstract;

/**
 * With PostgreSQL every instance counts in one table, so two instances allow no more than one
 * and a restart forgets nothing; the embedded database has one process, so memory is enough.
 */
export function limiterFactory(db: Knex, shared: boolean): LimiterFactory {
  return (spec) => shared
    ? new RateLimiterPostgres({
        storeClient: db, storeType: 'knex', tableName: RATE_LIMIT_TABLE, tableCreated: true,
        keyPrefix: spec.name, points: spec.points, duration: spec.windowSeconds,
      })
    : new RateLimiterMemory({ keyPrefix: spec.name, points: spec.points, duration: spec.windowSeconds });
}

export interface LimitOptions {
  /** The counter's key for this request, or null to let the request through uncounted. */
  readonly key: (req: Request) => string | null;
  /** A request answered 4xx/5xx gives its point back (a refused form does not count). */
  readonly onlySuccessful?: boolean;
  /** Called when the limit is reached, with when to try again. */
  readonly limited: (req: Request, retryAt: Date, next: (error?: unknown) => void) => void;
}

/** Express middleware: one point per request against `limiter`, keyed by `options.key`. */
export function limitRequests(limiter: RateLimiterAbstract, options: LimitOptions): RequestHandler {
  return async (req, res, next) => {
    const key = options.key(req);
    if (key === null) {
      next();
      return;
    }
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        next(rejection);
        return;
      }
      const retryAt = new Date(Date.now() + rejection.msBeforeNext);
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))));
      options.limited(req, retryAt, next);
      return;
    }
    if (options.onlySuccessful) {
      res.once('finish', () => {
        if (res.statusCode >= 400) limiter.reward(key, 1).catch(() => undefined);
      });
    }
    next();
  };
}

/** The client's address as Express sees it through TRUST_PROXY. */
export const clientAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

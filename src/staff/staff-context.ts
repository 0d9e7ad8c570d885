import type { RequestHandler } from 'express';
import type { BooksService } from '../books/books-service';
import type { Logger } from '../lib/logger';
import type { SessionPolicy } from './session-service';
import type { StaffServices } from './staff-services';

/** Sends a staff member a password link minted at send time (queuedPasswordReset: through the email outbox). */
export type SendPasswordReset = (to: { email: string; userId: string }) => Promise<void>;

/** What the staff workspace needs from the container: its services, never a database handle. */
export interface StaffDeps extends StaffServices {
  readonly logger: Logger;
  readonly sessionSecret: string;
  readonly publicUrl: string;
  readonly sessionPolicy: SessionPolicy;
  readonly sendPasswordReset: SendPasswordReset;
  /** Per address and per account, before the password is checked (auth-routes.ts signInRateLimits). */
  readonly signInLimits: readonly [RequestHandler, RequestHandler];
  readonly books: BooksService;
}

/** A stand-in that logs the request instead of mailing a link, for a test that wants no outbox. */
export function logPasswordReset(logger: Logger): SendPasswordReset {
  return async (to) => {
    logger.info({ to: to.email }, 'password reset asked (no mailer configured: nothing sent)');
  };
}

import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { AppError } from '../lib/errors';
import { renderPage } from './admin-render';
import type { Principal } from './principal';
import { assertCsrf, csrfTokenFor, principalForSession, sessionOf } from './session-resolver';
import type { StaffDeps } from './staff-context';

const FLASHES: Record<string, string> = {
  'signed-out': 'You are signed out.',
  'campaign-saved': 'The campaign is saved.',
  'gift-recorded': 'The gift is recorded, with its receipt number.',
  'refund-requested': 'Stripe accepted the refund. The ledger changes when Stripe confirms it (usually within a minute).',
  'token-revoked': 'The token is revoked.',
  'supporter-erased': 'The supporter\'s contact data is erased. The ledger entries stay.',
  'password-set': 'Your password is set. Sign in with it.',
  'accounts-saved': 'The accounts are saved; the next journals post to them.',
  'gift-changed': 'The monthly gift is changed in Stripe and here; the supporter gets a confirmation email.',
  'reset-sent': 'If that address has an account, a link to set a new password is on its way.',
  'use-recorded': 'Recorded. Supporters see it beside the earmark on the form and widget, in “my gifts” and in the next progress update.',
  'use-removed': 'Removed. Supporters no longer see it; the audit log keeps it.',
};

export interface PageContext {
  readonly principal: Principal;
  readonly csrf: string;
  render(name: string, title: string, data?: Record<string, unknown>, status?: number): void;
}

/** Sends a page to a signed-in person, or sends them to sign in. Posts must carry the CSRF token. */
export function staffPage(deps: StaffDeps, handler: (req: Request, res: Response, page: PageContext) => Promise<void>): RequestHandler {
  return async (req, res) => {
    const session = await sessionOf(req, deps);
    if (!session) {
      if (req.method === 'GET') {
        res.redirect(303, `/admin/sign-in?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      throw new AppError(401, 'unauthenticated', 'Your session has ended; sign in again');
    }
    if (req.method === 'POST') await assertCsrf(req, deps);
    const csrf = session.csrfSecret;
    const user = { email: session.user.email, role: session.user.role };
    const flash = typeof req.query.done === 'string' ? FLASHES[req.query.done] ?? null : null;
    res.set('Cache-Control', 'no-store');
    await handler(req, res, {
      principal: principalForSession(session),
      csrf,
      render(name, title, data = {}, status = 200) {
        res.status(status).type('html').send(renderPage(name, { title, csrf, user, flash }, data));
      },
    });
  };
}

/** A page for someone not signed in (sign-in, password reset), with its double-submit CSRF token. */
export function publicStaffPage(deps: StaffDeps, handler: (req: Request, res: Response, render: PageContext['render']) => Promise<void>): RequestHandler {
  return async (req, res) => {
    if (req.method === 'POST') await assertCsrf(req, deps);
    const csrf = await csrfTokenFor(req, res, deps);
    const flash = typeof req.query.done === 'string' ? FLASHES[req.query.done] ?? null : null;
    res.set('Cache-Control', 'no-store');
    await handler(req, res, (name, title, data = {}, status = 200) => {
      res.status(status).type('html').send(renderPage(name, { title, csrf, user: null, flash }, data));
    });
  };
}

/** Errors on /admin pages as a page, not JSON. */
export const adminPageErrors: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const appError = error instanceof AppError ? error : null;
  if (!appError) req.log?.error({ err: error }, 'unhandled error on a staff page');
  const status = appError?.status ?? 500;
  const message = appError ? appError.message : 'Something went wrong on our side';
  const fields = appError?.fields ?? [];
  res.status(status).type('html').send(renderPage('error', { title: 'Something needs attention' }, { status, message, fields }));
};

import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { clientAddress, limitRequests, type LimiterFactory } from '../lib/rate-limits';
import { publicStaffPage } from './admin-page-kit';
import { assertCsrf, secureCookies, SESSION_COOKIE, sessionOf } from './session-resolver';
import type { StaffDeps } from './staff-context';

const signInSchema = z.object({ email: z.string().trim().toLowerCase().max(320), password: z.string().max(1000), next: z.string().optional() });
const resetSchema = z.object({ password: z.string().max(1000), confirm: z.string().max(1000) });

/** Only a path inside /admin may follow sign-in, never another site. */
const safeNext = (next: string | undefined) => (next && /^\/admin(\/[\w\-/?=&%.]*)?$/.test(next) ? next : '/admin/campaigns');

const tooMany = (_req: unknown, _retryAt: Date, next: (error?: unknown) => void) =>
  next(new AppError(429, 'rate_limited', 'Too many sign-in attempts; wait a few minutes and try again'));

/** 30 sign-in attempts per address and 10 per account every 15 minutes, in the limiter's store. */
export function signInRateLimits(limiter: LimiterFactory): [RequestHandler, RequestHandler] {
  const windowSeconds = 15 * 60;
  return [
    limitRequests(limiter({ name: 'sign_in_ip', points: 30, windowSeconds }), { key: clientAddress, limited: tooMany }),
    limitRequests(limiter({ name: 'sign_in_email', points: 10, windowSeconds }), {
      key: (req) => String((req.body as { email?: unknown } | undefined)?.email ?? '').trim().toLowerCase(), limited: tooMany,
    }),
  ];
}

/** Sign-in, sign-out and password reset pages. */
export function authRoutes(deps: StaffDeps): Router {
  const router = Router();
  const [perIp, perEmail] = deps.signInLimits;
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: secureCookies(deps), path: '/' };

  router.get('/admin', (_req, res) => res.redirect(303, '/admin/campaigns'));

  router.get('/admin/sign-in', publicStaffPage(deps, async (req, res, render) => {
    if (await sessionOf(req, deps)) {
      res.redirect(303, '/admin/campaigns');
      return;
    }
    render('sign-in', 'Sign in', { next: typeof req.query.next === 'string' ? req.query.next : '' });
  }));

  router.post('/admin/sign-in', perIp, perEmail, publicStaffPage(deps, async (req, res, render) => {
    const form = signInSchema.safeParse(req.body);
    const user = form.success ? await deps.auth.checkPassword(form.data.email, form.data.password) : null;
    if (!form.success || !user) {
      render('sign-in', 'Sign in', { error: 'That email and password do not match an account.', email: form.data?.email ?? '', next: form.data?.next ?? '' }, 401);
      return;
    }
    const token = await deps.auth.startSession(deps.sessionSecret, user.id, deps.sessionPolicy);
    res.cookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: deps.sessionPolicy.absoluteMs });
    res.redirect(303, safeNext(form.data.next));
  }));

  router.post('/admin/sign-out', async (req, res) => {
    const session = await sessionOf(req, deps);
    if (session) {
      await assertCsrf(req, deps);
      await deps.auth.endSession(session.id);
    }
    res.clearCookie(SESSION_COOKIE, cookieOptions);
    res.redirect(303, '/admin/sign-in?done=signed-out');
  });

  router.get('/admin/forgot-password', publicStaffPage(deps, async (_req, _res, render) => {
    render('forgot-password', 'Forgot your password?');
  }));

  router.post('/admin/forgot-password', perIp, perEmail, publicStaffPage(deps, async (req, res) => {
    const email = z.object({ email: z.string().trim().max(320) }).safeParse(req.body);
    const user = email.success ? await deps.auth.findUserByEmail(email.data.email) : null;
    // The same answer whether or not the address has an account.
    if (user && !user.disabledAt) {
      await deps.sendPasswordReset({ email: user.email, userId: user.id });
    }
    res.redirect(303, '/admin/sign-in?done=reset-sent');
  }));

  // The token rides in the query string (never in a logged path) and then in the form's body.
  router.get('/admin/reset', publicStaffPage(deps, async (req, _res, render) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (!(await deps.auth.resetTokenIsValid(token))) {
      render('reset-password', 'Set a password', { expired: true }, 410);
      return;
    }
    render('reset-password', 'Set a password', { token });
  }));

  router.post('/admin/reset', perIp, publicStaffPage(deps, async (req, res, render) => {
    const token = typeof req.body.token === 'string' ? req.body.token : '';
    const form = resetSchema.safeParse(req.body);
    if (!form.success || form.data.password !== form.data.confirm) {
      render('reset-password', 'Set a password', { token, error: 'The two passwords differ.' }, 422);
      return;
    }
    try {
      await deps.auth.resetPassword(token, form.data.password);
    } catch (error) {
      if (error instanceof AppError && error.code === 'weak_password') {
        render('reset-password', 'Set a password', { token, error: error.message }, 422);
        return;
      }
      throw error;
    }
    res.redirect(303, '/admin/sign-in?done=password-set');
  }));

  return router;
}

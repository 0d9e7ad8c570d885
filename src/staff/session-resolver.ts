import type { Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { AppError } from '../lib/errors';
import { readCookie } from './cookies';
import type { Principal, PrincipalResolver } from './principal';
import { sameSecret, type ActiveSession } from './session-service';
import type { StaffDeps } from './staff-context';

export const SESSION_COOKIE = 'colecta_session';
const PRE_SESSION_CSRF_COOKIE = 'colecta_csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const resolved = new WeakMap<Request, ActiveSession | null>();

/** The signed-in session for this request, looked up once. */
export async function sessionOf(req: Request, deps: StaffDeps): Promise<ActiveSession | null> {
  if (resolved.has(req)) return resolved.get(req) ?? null;
  const token = readCookie(req, SESSION_COOKIE);
  const session = token ? await deps.auth.findSession(deps.sessionSecret, token, deps.sessionPolicy) : null;
  resolved.set(req, session);
  return session;
}

export function principalForSession(session: ActiveSession): Principal {
  return {
    kind: 'session', role: session.user.role, organizationId: session.user.organizationId,
    tokenId: null, userId: session.user.id, label: session.user.email,
  };
}

function sentCsrf(req: Request): string {
  const body = req.body as Record<string, unknown> | undefined;
  const fromBody = body && typeof body._csrf === 'string' ? body._csrf : '';
  return req.get('x-csrf-token') ?? fromBody;
}

/**
 * The session cookie as a principal for /api/admin/*. A cookie is sent by the browser on its
 * own, so a change made with one must also carry the session's CSRF token.
 */
export function sessionCookieResolver(deps: StaffDeps): PrincipalResolver {
  return async (req) => {
    const session = await sessionOf(req, deps);
    if (!session) return null;
    if (!SAFE_METHODS.has(req.method) && !sameSecret(sentCsrf(req), session.csrfSecret)) {
      throw new AppError(403, 'csrf_failed', 'Send the X-CSRF-Token header with a cookie-authenticated change');
    }
    return principalForSession(session);
  };
}

export const secureCookies = (deps: StaffDeps): boolean => deps.publicUrl.startsWith('https://');

/** The CSRF token a form must echo: the session's secret, or before sign-in a double-submit cookie. */
export async function csrfTokenFor(req: Request, res: Response, deps: StaffDeps): Promise<string> {
  const session = await sessionOf(req, deps);
  if (session) return session.csrfSecret;
  let token = readCookie(req, PRE_SESSION_CSRF_COOKIE);
  if (!token || token.length < 32) {
    token = randomBytes(24).toString('base64url');
    res.cookie(PRE_SESSION_CSRF_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: secureCookies(deps), path: '/admin' });
  }
  return token;
}

/** Refuses a form post whose CSRF token is missing or wrong. */
export async function assertCsrf(req: Request, deps: StaffDeps): Promise<void> {
  const session = await sessionOf(req, deps);
  const expected = session ? session.csrfSecret : readCookie(req, PRE_SESSION_CSRF_COOKIE);
  if (!expected || !sameSecret(sentCsrf(req), expected)) {
    throw new AppError(403, 'csrf_failed', 'This form has expired; reload the page and try again');
  }
}

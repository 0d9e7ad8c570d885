import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { readCookie } from '../staff/cookies';

const COOKIE = 'colecta_gifts';
/** About an hour, as the emailed link promises. */
export const SUPPORTER_SESSION_MS = 60 * 60_000;

export interface SupporterSession {
  readonly email: string;
  readonly expiresAt: number;
  /** Put in every form of the page and checked on each post. */
  readonly csrf: string;
}

const sign = (secret: string, purpose: string, value: string) =>
  createHmac('sha256', secret).update(`${purpose}:${value}`).digest('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The "my gifts" sign-in: a cookie that names the address the emailed link was sent to, until
 * when, signed with the server's secret. Nothing is stored, so nothing usable sits in a table.
 */
export function startSupporterSession(res: Response, secret: string, email: string, secure: boolean, now = Date.now()): void {
  const value = Buffer.from(JSON.stringify({ e: email.toLowerCase(), x: now + SUPPORTER_SESSION_MS })).toString('base64url');
  res.cookie(COOKIE, `${value}.${sign(secret, 'session', value)}`, {
    httpOnly: true, sameSite: 'lax', secure, path: '/manage', maxAge: SUPPORTER_SESSION_MS,
  });
}

export function endSupporterSession(res: Response, secure: boolean): void {
  res.clearCookie(COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/manage' });
}

export function supporterSessionOf(req: Request, secret: string, now = Date.now()): SupporterSession | null {
  const raw = readCookie(req, COOKIE);
  const [value, mac] = raw?.split('.') ?? [];
  if (!value || !mac || !same(mac, sign(secret, 'session', value))) return null;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { e?: unknown; x?: unknown };
    if (typeof parsed.e !== 'string' || typeof parsed.x !== 'number' || parsed.x <= now) return null;
    return { email: parsed.e, expiresAt: parsed.x, csrf: sign(secret, 'csrf', value) };
  } catch {
    return null;
  }
}

export function csrfMatches(session: SupporterSession, sent: unknown): boolean {
  return typeof sent === 'string' && same(sent, session.csrf);
}

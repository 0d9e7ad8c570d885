import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import type { StaffUser } from './user-service';

export interface SessionPolicy {
  /** A session unused this long ends. */
  readonly idleMs: number;
  /** A session ends this long after sign-in, however busy. */
  readonly absoluteMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 2 * 60 * 60 * 1000, absoluteMs: 12 * 60 * 60 * 1000 };

export interface ActiveSession {
  readonly id: string;
  readonly csrfSecret: string;
  readonly user: StaffUser;
}

/** The cookie carries the token; the table keeps only its HMAC under the session secret. */
export const sessionIdFor = (secret: string, token: string): string =>
  createHmac('sha256', secret).update(`session:${token}`).digest('hex');

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export async function startSession(db: Knex, secret: string, userId: string, policy = DEFAULT_SESSION_POLICY): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  // Ended sessions are kept no longer than the next sign-in.
  await db('staff_sessions').where('idle_expires_at', '<', new Date(now)).orWhere('expires_at', '<', new Date(now)).delete();
  await db('staff_sessions').insert({
    id: sessionIdFor(secret, token),
    user_id: userId,
    csrf_secret: randomBytes(32).toString('base64url'),
    idle_expires_at: new Date(now + policy.idleMs),
    expires_at: new Date(now + policy.absoluteMs),
  });
  return token;
}

/** The live session for a cookie token, sliding its idle expiry; null when ended or expired. */
export async function findSession(db: Knex, secret: string, token: string, policy = DEFAULT_SESSION_POLICY): Promise<ActiveSession | null> {
  const now = new Date();
  const row = await db('staff_sessions as s').join('staff_users as u', 'u.id', 's.user_id')
    .where('s.id', sessionIdFor(secret, token))
    .where('s.idle_expires_at', '>', now).where('s.expires_at', '>', now).whereNull('u.disabled_at')
    .first('s.id', 's.csrf_secret', 's.last_seen_at', 'u.id as user_id', 'u.email', 'u.role', 'u.organization_id');
  if (!row) return null;
  // Write the sliding expiry at most once a minute, not on every request.
  if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) {
    await db('staff_sessions').where({ id: row.id })
      .update({ last_seen_at: now, idle_expires_at: new Date(now.getTime() + policy.idleMs) });
  }
  return {
    id: row.id,
    csrfSecret: row.csrf_secret,
    user: { id: row.user_id, email: row.email, role: row.role, organizationId: row.organization_id, disabledAt: null },
  };
}

export async function endSession(db: Knex, sessionId: string): Promise<void> {
  await db('staff_sessions').where({ id: sessionId }).delete();
}

import type { Request, RequestHandler } from 'express';
import type { Knex } from 'knex';
import { AppError } from '../lib/errors';
import { hashToken, type Role } from './api-token-service';

/** Who is asking: an API token or (with the staff workspace) a signed-in user. */
export interface Principal {
  readonly kind: 'token' | 'session';
  readonly role: Role;
  /** Set for `staff`, who see one organization; null for `admin` and `sponsor`. */
  readonly organizationId: string | null;
  readonly tokenId: string | null;
  readonly userId: string | null;
  /** For the audit log: the token prefix or the user's email. */
  readonly label: string;
}

/** Other ways to find a principal (a session cookie) are tried after the bearer token. */
export type PrincipalResolver = (req: Request) => Promise<Principal | null>;

export function bearerTokenResolver(db: Knex): PrincipalResolver {
  return async (req) => {
    const header = req.get('authorization');
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError(401, 'unauthenticated', 'Send "Authorization: Bearer <token>"');
    // A token made by a user who is now disabled stops with them, at once.
    const row = await db('api_tokens as t').leftJoin('staff_users as u', 'u.id', 't.created_by_user_id')
      .where({ 't.token_hash': hashToken(match[1] as string) })
      .whereNull('t.revoked_at')
      .whereNull('u.disabled_at')
      .where((q) => q.whereNull('t.expires_at').orWhere('t.expires_at', '>', db.fn.now()))
      .first('t.id', 't.role', 't.organization_id', 't.prefix', 't.last_used_at');
    if (!row) throw new AppError(401, 'unauthenticated', 'This token is unknown, revoked or expired');
    // At most one write a minute per token: a busy script should not turn every read into a commit.
    if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > 60_000) {
      await db('api_tokens').where({ id: row.id }).update({ last_used_at: db.fn.now() });
    }
    return { kind: 'token', role: row.role, organizationId: row.organization_id, tokenId: row.id, userId: null, label: `token ${row.prefix}` };
  };
}

/** Puts the principal on res.locals.principal, or answers 401 with no data. */
export function requirePrincipal(resolvers: readonly PrincipalResolver[]): RequestHandler {
  return async (req, res, next) => {
    for (const resolve of resolvers) {
      const principal = await resolve(req);
      if (principal) {
        res.locals.principal = principal;
        next();
        return;
      }
    }
    throw new AppError(401, 'unauthenticated', 'Sign in or send an API token');
  };
}

export function principalOf(res: { locals: Record<string, unknown> }): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new AppError(401, 'unauthenticated', 'Sign in or send an API token');
  return principal;
}

/** Reading: admin and sponsor see every organization, staff only their own. */
export function assertCanRead(principal: Principal, organizationId: string): void {
  if (principal.role === 'staff' && principal.organizationId !== organizationId) {
    throw new AppError(403, 'forbidden', 'This belongs to another organization');
  }
}

/** Changing: admin anywhere, staff in their own organization, sponsor never. */
export function assertCanWrite(principal: Principal, organizationId: string): void {
  if (principal.role === 'sponsor') throw new AppError(403, 'forbidden', 'The sponsor role reads and exports; it changes nothing');
  assertCanRead(principal, organizationId);
}

/** The organizations a principal may read, as a filter: null means all of them. */
export function readableOrganization(principal: Principal): string | null {
  return principal.role === 'staff' ? principal.organizationId : null;
}

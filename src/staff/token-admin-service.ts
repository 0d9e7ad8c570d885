import type { Knex } from 'knex';
import { bindDb } from '../db/bind-db';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { createApiToken, roleSchema, type CreatedToken } from './api-token-service';
import { writeAudit } from './audit-log';
import { assertCanWrite, readableOrganization, type Principal } from './principal';

export const tokenCreateSchema = z.object({
  role: roleSchema,
  organization: z.string().max(63).optional().describe('required for a staff token'),
  label: z.string().trim().max(100).default(''),
  // Every token expires, a year at most, so that a forgotten one stops working.
  expiresInDays: z.number().int().min(1).max(366).default(90),
});

export const tokenViewSchema = z.object({
  id: z.uuid(), prefix: z.string(), role: roleSchema, organization: z.string().nullable(), label: z.string(),
  createdAt: z.string(), expiresAt: z.string().nullable(), lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable(),
});

export type TokenView = z.infer<typeof tokenViewSchema>;
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export async function listTokens(db: Knex, principal: Principal): Promise<TokenView[]> {
  const q = db('api_tokens as t').leftJoin('organizations as o', 'o.id', 't.organization_id')
    .orderBy('t.created_at', 'desc').select('t.*', 'o.slug as organization_slug');
  const org = readableOrganization(principal);
  if (org) q.where('t.organization_id', org);
  const rows = await q;
  return rows.map((r) => ({
    id: r.id, prefix: r.prefix, role: r.role, organization: r.organization_slug ?? null, label: r.label,
    createdAt: iso(r.created_at) as string, expiresAt: iso(r.expires_at), lastUsedAt: iso(r.last_used_at), revokedAt: iso(r.revoked_at),
  }));
}

/** Staff make tokens for their own organization only; only an admin makes admin or sponsor tokens. */
export async function createTokenAs(db: Knex, principal: Principal, input: z.infer<typeof tokenCreateSchema>): Promise<CreatedToken> {
  if (principal.role === 'sponsor') assertCanWrite(principal, '');
  if (principal.role !== 'admin' && input.role !== 'staff') throw new AppError(403, 'forbidden', 'Only an admin can create that kind of token');
  const orgSlug = input.role === 'staff' && principal.role === 'staff' && !input.organization
    ? (await db('organizations').where({ id: principal.organizationId }).first('slug'))?.slug
    : input.organization;
  return db.transaction(async (tx) => {
    const created = await createApiToken(tx, {
      role: input.role, organizationSlug: orgSlug, label: input.label,
      expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000), createdByUserId: principal.userId,
    });
    const row = await tx('api_tokens').where({ id: created.id }).first('organization_id', 'prefix', 'role', 'label');
    if (row.organization_id) assertCanWrite(principal, row.organization_id);
    await writeAudit(tx, principal, {
      action: 'token.create', entityType: 'api_token', entityId: created.id, organizationId: row.organization_id,
      before: null, after: { prefix: row.prefix, role: row.role, label: row.label },
    });
    return created;
  });
}

export async function revokeToken(db: Knex, principal: Principal, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await tx('api_tokens').where({ id }).forUpdate().first();
    if (!row) throw AppError.notFound('Token');
    if (principal.role === 'sponsor') assertCanWrite(principal, '');
    if (principal.role !== 'admin' && row.organization_id !== principal.organizationId) {
      throw new AppError(403, 'forbidden', 'This token belongs to another organization');
    }
    if (row.revoked_at) return;
    const [after] = await tx('api_tokens').where({ id }).update({ revoked_at: tx.fn.now() }).returning('revoked_at');
    await writeAudit(tx, principal, {
      action: 'token.revoke', entityType: 'api_token', entityId: id, organizationId: row.organization_id,
      before: { revokedAt: null }, after: { revokedAt: iso(after.revoked_at) },
    });
  });
}

/** API tokens as staff see them: list, create, revoke. */
export const createTokenAdminService = (db: Knex) => bindDb(db, { listTokens, createTokenAs, revokeToken });

export type TokenAdminService = ReturnType<typeof createTokenAdminService>;

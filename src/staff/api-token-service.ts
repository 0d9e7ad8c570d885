import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError } from '../lib/errors';

export const roleSchema = z.enum(['admin', 'staff', 'sponsor']);
export type Role = z.infer<typeof roleSchema>;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface CreatedToken {
  readonly id: string;
  /** Shown once; only its hash is stored. */
  readonly token: string;
}

export async function createApiToken(
  db: Knex, input: {
    role: Role; organizationSlug?: string | undefined; label?: string | undefined; expiresAt?: Date | null;
    /** The signed-in user who made it: the token stops when that user is disabled. */
    createdByUserId?: string | null;
  },
): Promise<CreatedToken> {
  let organizationId: string | null = null;
  if (input.role === 'staff') {
    if (!input.organizationSlug) throw new AppError(422, 'organization_required', 'A staff token needs --organization <slug>');
    const org = await db('organizations').where({ slug: input.organizationSlug }).first('id');
    if (!org) throw new AppError(404, 'organization_not_found', `No organization "${input.organizationSlug}"`);
    organizationId = org.id;
  } else if (input.organizationSlug) {
    throw new AppError(422, 'organization_not_allowed', `A ${input.role} token covers every organization; drop --organization`);
  }
  const token = `clt_${randomBytes(32).toString('base64url')}`;
  const [row] = await db('api_tokens')
    .insert({
      token_hash: hashToken(token), prefix: token.slice(0, 8), role: input.role, organization_id: organizationId,
      label: input.label ?? '', expires_at: input.expiresAt ?? null, created_by_user_id: input.createdByUserId ?? null,
    })
    .returning('id');
  return { id: row.id, token };
}

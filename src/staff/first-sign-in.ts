import type { Knex } from 'knex';
import type { Role } from './api-token-service';
import { writeAudit } from './audit-log';
import { createPasswordResetToken, createUser } from './user-service';

/** The link a new user opens to choose their password (single use). */
export const INVITE_VALID_MS = 24 * 60 * 60 * 1000;

export async function inviteUser(
  db: Knex, publicUrl: string, input: { email: string; role: Role; organizationSlug?: string | undefined }, actorLabel = 'cli',
): Promise<{ email: string; link: string }> {
  return db.transaction(async (tx) => {
    const user = await createUser(tx, input);
    const token = await createPasswordResetToken(tx, user.id, INVITE_VALID_MS);
    await writeAudit(tx, { label: actorLabel, userId: null, tokenId: null }, {
      action: 'user.create', entityType: 'staff_user', entityId: user.id, organizationId: user.organizationId,
      before: null, after: { email: user.email, role: user.role },
    });
    return { email: user.email, link: `${publicUrl}/admin/reset?token=${token}` };
  });
}

/** On a database with no staff yet, an admin to sign in with; null when someone already exists. */
export async function ensureFirstAdmin(db: Knex, publicUrl: string): Promise<{ email: string; link: string } | null> {
  const existing = await db('staff_users').count<{ n: number }>('* as n').first();
  if (Number(existing?.n ?? 0) > 0) return null;
  return inviteUser(db, publicUrl, { email: 'admin@localhost.test', role: 'admin' }, 'first start');
}

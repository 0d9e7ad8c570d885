import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Knex } from 'knex';
import { AppError } from '../lib/errors';
import type { Role } from './api-token-service';
import { writeAudit } from './audit-log';

export interface StaffUser {
  readonly id: string;
  readonly email: string;
  readonly role: Role;
  readonly organizationId: string | null;
  readonly disabledAt: Date | null;
}

interface UserRow {
  id: string; email: string; role: Role; organization_id: string | null; disabled_at: Date | null; password_hash: string | null;
}

const toUser = (row: UserRow): StaffUser => ({
  id: row.id, email: row.email, role: row.role, organizationId: row.organization_id, disabledAt: row.disabled_at,
});

// argon2id with the OWASP-recommended floor (19 MiB, two passes); @node-rs/argon2 defaults to argon2id.
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
export const MIN_PASSWORD_LENGTH = 12;

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export async function findUserById(db: Knex, id: string): Promise<StaffUser | null> {
  const row = await db<UserRow>('staff_users').where({ id }).first();
  return row ? toUser(row) : null;
}

export async function createUser(
  db: Knex, input: { email: string; role: Role; organizationSlug?: string | undefined; password?: string | undefined },
): Promise<StaffUser> {
  const email = input.email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new AppError(422, 'bad_email', 'An email address is needed');
  let organizationId: string | null = null;
  if (input.role === 'staff') {
    if (!input.organizationSlug) throw new AppError(422, 'organization_required', 'A staff user needs --organization <slug>');
    const org = await db('organizations').where({ slug: input.organizationSlug }).first('id');
    if (!org) throw new AppError(404, 'organization_not_found', `No organization "${input.organizationSlug}"`);
    organizationId = org.id;
  } else if (input.organizationSlug) {
    throw new AppError(422, 'organization_not_allowed', `A ${input.role} user covers every organization; drop --organization`);
  }
  if (await db('staff_users').where({ email }).first('id')) throw new AppError(409, 'user_exists', `${email} already has an account`);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  const [row] = await db<UserRow>('staff_users')
    .insert({ email, role: input.role, organization_id: organizationId, password_hash: passwordHash })
    .returning('*');
  return toUser(row as UserRow);
}

export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError(422, 'weak_password', `A password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  return hash(password, ARGON2);
}

// Verifying against a fixed hash when the email is unknown keeps the answer time the same.
let dummyHash: Promise<string> | null = null;

/** The user for these credentials, or null: unknown, disabled and wrong password look alike. */
export async function checkPassword(db: Knex, email: string, password: string): Promise<StaffUser | null> {
  const row = await db<UserRow>('staff_users').where({ email: email.trim().toLowerCase() }).first();
  dummyHash ??= hash('not-a-real-password', ARGON2);
  const stored = row?.password_hash ?? (await dummyHash);
  const ok = await verify(stored, password).catch(() => false);
  if (!row || !row.password_hash || !ok || row.disabled_at) return null;
  await db('staff_users').where({ id: row.id }).update({ last_sign_in_at: db.fn.now() });
  return toUser(row);
}

/** A single-use link to set a password; only its hash is stored. */
export async function createPasswordResetToken(db: Knex, userId: string, validForMs = 60 * 60 * 1000): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db('password_reset_tokens').insert({
    id: hashSecret(token), token_hash: hashSecret(token), user_id: userId, expires_at: new Date(Date.now() + validForMs),
  });
  return token;
}

export async function findUserByEmail(db: Knex, email: string): Promise<StaffUser | null> {
  const row = await db<UserRow>('staff_users').where({ email: email.trim().toLowerCase() }).first();
  return row ? toUser(row) : null;
}

/** Whether a reset link is still good (unused, unexpired, its user enabled), without spending it. */
export async function resetTokenIsValid(db: Knex, token: string): Promise<boolean> {
  const row = await db('password_reset_tokens as r').join('staff_users as u', 'u.id', 'r.user_id')
    .where('r.token_hash', hashSecret(token)).whereNull('r.used_at').whereNull('u.disabled_at')
    .where('r.expires_at', '>', new Date()).first('r.id');
  return Boolean(row);
}

/** Spends the token and sets the password in one transaction; every session of the user ends. */
export async function resetPassword(db: Knex, token: string, password: string): Promise<StaffUser> {
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const spent = await tx('password_reset_tokens')
      .where({ token_hash: hashSecret(token) }).whereNull('used_at').where('expires_at', '>', new Date())
      .update({ used_at: tx.fn.now() }).returning('user_id');
    const userId = spent[0]?.user_id as string | undefined;
    const user = userId ? await tx<UserRow>('staff_users').where({ id: userId }).whereNull('disabled_at').first() : undefined;
    if (!user) throw new AppError(410, 'link_expired', 'This link has expired or was already used; ask for a new one');
    await tx('staff_users').where({ id: user.id }).update({ password_hash: passwordHash });
    await tx('staff_sessions').where({ user_id: user.id }).delete();
    await tx('password_reset_tokens').where({ user_id: user.id }).whereNull('used_at').update({ used_at: tx.fn.now() });
    await writeAudit(tx, { label: user.email, userId: user.id, tokenId: null }, {
      action: 'user.set_password', entityType: 'staff_user', entityId: user.id, organizationId: user.organization_id,
      before: null, after: { passwordChanged: true },
    });
    return toUser(user);
  });
}

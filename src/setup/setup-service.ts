import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { bindDb } from '../db/bind-db';
import { AppError } from '../lib/errors';
import { findSponsor, insertSponsor } from '../sponsor/sponsor-repository';
import { DEFAULT_RECEIPT_STATEMENT } from '../sponsor/sponsor-schemas';
import { writeAudit } from '../staff/audit-log';
import { INVITE_VALID_MS } from '../staff/first-sign-in';
import { createPasswordResetToken, hashPassword, hashSecret } from '../staff/user-service';
import type { SetupInput } from './setup-schemas';

export const SETUP_LINK_VALID_MS = 24 * 60 * 60 * 1000;

export async function setupNeeded(db: Knex): Promise<boolean> {
  return (await findSponsor(db)) === null;
}

/** A one-time link to /admin/setup, when the deployment has no sponsor yet; null otherwise. */
export async function createSetupLink(db: Knex, publicUrl: string): Promise<string | null> {
  if (!(await setupNeeded(db))) return null;
  const token = randomBytes(32).toString('base64url');
  await db('setup_links').insert({ id: hashSecret(token), expires_at: new Date(Date.now() + SETUP_LINK_VALID_MS) });
  return `${publicUrl}/admin/setup?token=${token}`;
}

/** Whether a setup link still opens the page (unused, unexpired, and no sponsor yet), without spending it. */
export async function setupLinkIsValid(db: Knex, token: string): Promise<boolean> {
  if (!token || !(await setupNeeded(db))) return false;
  return Boolean(await db('setup_links').where({ id: hashSecret(token) }).whereNull('used_at')
    .where('expires_at', '>', new Date()).first('id'));
}

export interface SetupResult {
  readonly adminId: string;
  readonly adminEmail: string;
  readonly organizationSlug: string;
  /** Without a password, the admin's one-time sign-in link. */
  readonly signInLink: string | null;
}

const expired = () => new AppError(410, 'setup_link_expired', 'This setup link has expired or was already used; restart the server for a new one');

/**
 * The sponsor, the first organization and the first admin, in one transaction: all or nothing.
 * The web spends its one-time link; the command line (which has the database) needs none.
 */
export async function completeSetup(
  db: Knex, publicUrl: string, input: SetupInput, options: { token?: string; actor: string },
): Promise<SetupResult> {
  const passwordHash = input.admin.password ? await hashPassword(input.admin.password) : null;
  return db.transaction(async (tx) => {
    if (options.token !== undefined) {
      const spent = await tx('setup_links').where({ id: hashSecret(options.token) }).whereNull('used_at')
        .where('expires_at', '>', new Date()).update({ used_at: tx.fn.now() }).returning('id');
      if (spent.length === 0) throw expired();
    }
    const receiptStatement = {
      en: input.sponsor.receiptStatement.en || DEFAULT_RECEIPT_STATEMENT.en,
      es: input.sponsor.receiptStatement.es || DEFAULT_RECEIPT_STATEMENT.es,
    };
    if (!(await insertSponsor(tx, { ...input.sponsor, receiptStatement }))) {
      throw options.token !== undefined ? expired() : new AppError(409, 'already_set_up', 'This deployment already has its sponsor; change it at /admin/sponsor');
    }
    if (await tx('organizations').where({ slug: input.organization.slug }).first('id')) {
      throw new AppError(409, 'slug_taken', `The slug "${input.organization.slug}" is already taken`, [
        { field: 'organization.slug', message: `"${input.organization.slug}" is already taken` }]);
    }
    if (await tx('staff_users').where({ email: input.admin.email }).first('id')) {
      throw new AppError(409, 'user_exists', `${input.admin.email} already has an account`, [{ field: 'admin.email', message: 'already has an account' }]);
    }
    const [org] = await tx('organizations').insert({
      slug: input.organization.slug, name: input.organization.name, time_zone: input.organization.timeZone,
    }).returning('id');
    const [admin] = await tx('staff_users').insert({ email: input.admin.email, role: 'admin', password_hash: passwordHash }).returning('id');
    const actor = { label: options.actor, userId: null, tokenId: null };
    await writeAudit(tx, actor, { action: 'sponsor.create', entityType: 'sponsor', entityId: 'sponsor', organizationId: null, before: null, after: input.sponsor });
    await writeAudit(tx, actor, {
      action: 'organization.create', entityType: 'organization', entityId: String(org.id), organizationId: String(org.id), before: null, after: input.organization,
    });
    await writeAudit(tx, actor, {
      action: 'user.create', entityType: 'staff_user', entityId: String(admin.id), organizationId: null, before: null, after: { email: input.admin.email, role: 'admin' },
    });
    const signInLink = passwordHash ? null : `${publicUrl}/admin/reset?token=${await createPasswordResetToken(tx, String(admin.id), INVITE_VALID_MS)}`;
    return { adminId: String(admin.id), adminEmail: input.admin.email, organizationSlug: input.organization.slug, signInLink };
  });
}

/** The first run's web side: the one-time link, and completing the setup with it. */
export const createSetupService = (db: Knex) => bindDb(db, { setupLinkIsValid, completeSetup });

export type SetupService = ReturnType<typeof createSetupService>;

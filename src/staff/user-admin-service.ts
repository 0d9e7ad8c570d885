import type { Knex } from 'knex';
import { bindDb } from '../db/bind-db';
import { AppError } from '../lib/errors';
import type { Role } from './api-token-service';
import { writeAudit } from './audit-log';
import { queueInvitation } from './invitation-mail';
import type { Principal } from './principal';
import type { UserInvite, UserPatch, UserView } from './user-admin-schemas';

interface Row {
  id: string; email: string; role: Role; organization_id: string | null; organization_slug: string | null;
  organization_name: string | null; password_hash: string | null; disabled_at: Date | null; created_at: Date; last_sign_in_at: Date | null;
}

const mustBeAdmin = (principal: Principal) => {
  if (principal.role !== 'admin') throw new AppError(403, 'forbidden', 'Only an admin may manage staff users');
};
const field = (name: string, message: string) => AppError.invalid([{ field: name, message }]);
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

const toView = (r: Row): UserView => ({
  id: r.id, email: r.email, role: r.role, organization: r.organization_slug,
  status: r.disabled_at ? 'disabled' : r.password_hash ? 'active' : 'invited',
  createdAt: iso(r.created_at) as string, lastSignInAt: iso(r.last_sign_in_at),
});

const users = (db: Knex) => db('staff_users as u').leftJoin('organizations as o', 'o.id', 'u.organization_id')
  .select('u.*', 'o.slug as organization_slug', 'o.name as organization_name');

async function loadUser(db: Knex, id: string, lock = false): Promise<Row> {
  const q = users(db).where('u.id', id);
  if (lock) q.forUpdate('u');
  const row = (await q.first()) as Row | undefined;
  if (!row) throw AppError.notFound('User');
  return row;
}

/** The organization a staff user needs (and only a staff user may have), as a field error when wrong. */
async function organizationFor(db: Knex, role: Role, slug: string | null | undefined): Promise<{ id: string; name: string } | null> {
  if (role !== 'staff') {
    if (slug) throw field('organization', `a ${role} user covers every organization; leave it out`);
    return null;
  }
  if (!slug) throw field('organization', 'a staff user needs an organization');
  const org = await db('organizations').where({ slug }).first('id', 'name');
  if (!org) throw field('organization', `there is no organization "${slug}"`);
  return org;
}

export async function listUsers(db: Knex, principal: Principal): Promise<UserView[]> {
  mustBeAdmin(principal);
  return ((await users(db).orderBy('u.email')) as Row[]).map(toView);
}

async function mailInvitation(tx: Knex, principal: Principal, publicUrl: string, user: { id: string; email: string; role: Role }, organizationName: string | null) {
  // A new link spends the old ones: only the latest invitation works.
  await tx('password_reset_tokens').where({ user_id: user.id }).whereNull('used_at').update({ used_at: tx.fn.now() });
  await queueInvitation(tx, { userId: user.id, email: user.email, role: user.role, organizationName, invitedBy: principal.label });
}

/** Creates the user and queues their invitation in one transaction: an address taken is a 409. */
export async function inviteStaffUser(db: Knex, principal: Principal, publicUrl: string, input: UserInvite): Promise<UserView> {
  mustBeAdmin(principal);
  const id = await db.transaction(async (tx) => {
    const org = await organizationFor(tx, input.role, input.organization);
    if (await tx('staff_users').where({ email: input.email }).first('id')) {
      throw new AppError(409, 'user_exists', `${input.email} already has an account`, [{ field: 'email', message: 'already has an account' }]);
    }
    const [row] = await tx('staff_users').insert({ email: input.email, role: input.role, organization_id: org?.id ?? null }).returning('id');
    const user = { id: String(row.id), email: input.email, role: input.role };
    await mailInvitation(tx, principal, publicUrl, user, org?.name ?? null);
    await writeAudit(tx, principal, {
      action: 'user.invite', entityType: 'staff_user', entityId: user.id, organizationId: org?.id ?? null,
      before: null, after: { email: user.email, role: user.role, organization: input.organization ?? null },
    });
    return user.id;
  });
  return toView(await loadUser(db, id));
}

/** Another enabled admin must remain whenever an admin is disabled or given another role. */
async function assertNotLastAdmin(tx: Knex, userId: string): Promise<void> {
  const others = await tx('staff_users').where({ role: 'admin' }).whereNull('disabled_at').whereNot({ id: userId })
    .forUpdate().select('id');
  if (others.length === 0) {
    throw new AppError(409, 'last_admin', 'This is the last admin: make another admin first', [
      { field: 'role', message: 'the last enabled admin must stay an admin' }]);
  }
}

/** Role, organization, disabled, or a new invitation, in one audited transaction. */
export async function updateStaffUser(db: Knex, principal: Principal, publicUrl: string, id: string, patch: UserPatch): Promise<UserView> {
  mustBeAdmin(principal);
  await db.transaction(async (tx) => {
    const before = await loadUser(tx, id, true);
    const role = patch.role ?? before.role;
    // A staff user keeps their organization unless given another; other roles have none.
    const orgSlug = patch.organization !== undefined ? patch.organization : role === 'staff' ? before.organization_slug : null;
    const org = await organizationFor(tx, role, orgSlug);
    const disabling = patch.disabled === true && !before.disabled_at;
    if (before.role === 'admin' && !before.disabled_at && (role !== 'admin' || disabling)) await assertNotLastAdmin(tx, id);
    const changes: Record<string, unknown> = {};
    if (role !== before.role) changes.role = role;
    if ((org?.id ?? null) !== before.organization_id) changes.organization_id = org?.id ?? null;
    if (patch.disabled !== undefined && patch.disabled !== Boolean(before.disabled_at)) changes.disabled_at = patch.disabled ? new Date() : null;
    if (Object.keys(changes).length > 0) await tx('staff_users').where({ id }).update(changes);
    // Tokens were made with the old role's reach; they end with it. Sessions read the role anew each request.
    if (changes.role !== undefined || changes.organization_id !== undefined) {
      await tx('api_tokens').where({ created_by_user_id: id }).whereNull('revoked_at').update({ revoked_at: tx.fn.now() });
    }
    if (disabling) await tx('staff_sessions').where({ user_id: id }).delete();
    if (patch.resendInvitation) {
      if (before.password_hash) throw new AppError(409, 'already_active', 'This user has set a password; they can ask for a reset at sign-in');
      if (patch.disabled ?? before.disabled_at) throw new AppError(409, 'user_disabled', 'Enable the user before inviting them again');
      await mailInvitation(tx, principal, publicUrl, { id, email: before.email, role }, org?.name ?? null);
    }
    const after = await loadUser(tx, id);
    await writeAudit(tx, principal, {
      action: patch.resendInvitation && Object.keys(changes).length === 0 ? 'user.reinvite' : 'user.update',
      entityType: 'staff_user', entityId: id, organizationId: after.organization_id ?? before.organization_id,
      before: toView(before), after: toView(after),
    });
  });
  return toView(await loadUser(db, id));
}

/** Staff users as an admin manages them. */
export const createUserAdminService = (db: Knex) => bindDb(db, { listUsers, inviteStaffUser, updateStaffUser });

export type UserAdminService = ReturnType<typeof createUserAdminService>;

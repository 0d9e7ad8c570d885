import type { Knex } from 'knex';
import { bindDb } from '../db/bind-db';
import type { Principal } from './principal';

export interface AuditChange {
  readonly action: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly organizationId: string | null;
  readonly before: unknown;
  readonly after: unknown;
}

/** Writes who changed what, inside the caller's transaction, so the change and its record stand or fall together. */
/** Who acted: a signed-in user, an API token, or a command (`cli`) with neither. */
export type AuditActor = Pick<Principal, 'label' | 'userId' | 'tokenId'>;

export async function writeAudit(tx: Knex, actor: AuditActor, change: AuditChange): Promise<void> {
  await tx('audit_log').insert({
    actor_label: actor.label,
    actor_user_id: actor.userId,
    actor_token_id: actor.tokenId,
    action: change.action,
    entity_type: change.entityType,
    entity_id: change.entityId,
    organization_id: change.organizationId,
    before: change.before == null ? null : JSON.stringify(change.before),
    after: change.after == null ? null : JSON.stringify(change.after),
  });
}

export interface AuditEntry extends AuditChange {
  readonly id: number;
  readonly at: Date;
  readonly actor: string;
}

export async function listAudit(db: Knex, options: { before?: number | undefined; limit: number }): Promise<AuditEntry[]> {
  const q = db('audit_log').orderBy('id', 'desc').limit(options.limit);
  if (options.before) q.where('id', '<', options.before);
  const rows = await q.select('*');
  return rows.map((r) => ({
    id: Number(r.id), at: r.at, actor: r.actor_label, action: r.action, entityType: r.entity_type,
    entityId: r.entity_id, organizationId: r.organization_id, before: r.before, after: r.after,
  }));
}

/** Reading the audit log (writing it is part of each change's own transaction). */
export const createAuditService = (db: Knex) => bindDb(db, { listAudit });

export type AuditService = ReturnType<typeof createAuditService>;

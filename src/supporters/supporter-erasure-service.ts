import type { Knex } from 'knex';
import { bindDb } from '../db/bind-db';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { writeAudit } from '../staff/audit-log';
import { assertCanWrite, type Principal } from '../staff/principal';
import { ERASED_FIELDS, eraseSupporter } from './supporter-erasure';

export const erasureResultSchema = z.object({
  supporterId: z.string(), erased: z.boolean().describe('false when the supporter had already been erased'),
  fields: z.array(z.string()).describe('What was erased, by name; the values are gone'),
});
export type ErasureResult = z.infer<typeof erasureResultSchema>;

/**
 * A supporter's own request to be forgotten, carried out by staff at once. The audit row names
 * the supporter by id and lists the fields, never their values, and commits with the erasure.
 */
export async function eraseSupporterOnRequest(db: Knex, principal: Principal, supporterId: string): Promise<ErasureResult> {
  const supporter = await db('supporters').where({ id: supporterId }).first('id', 'organization_id', 'erased_at');
  if (!supporter) throw AppError.notFound('Supporter');
  assertCanWrite(principal, supporter.organization_id);
  return db.transaction(async (tx) => {
    const erased = await eraseSupporter(tx, supporterId, 'request');
    if (!erased) return { supporterId, erased: false, fields: [] };
    await writeAudit(tx, principal, {
      action: 'supporter.erase', entityType: 'supporter', entityId: supporterId, organizationId: supporter.organization_id,
      before: { supporterId }, after: { supporterId, reason: 'request', erasedFields: [...ERASED_FIELDS] },
    });
    return { supporterId, erased: true, fields: [...ERASED_FIELDS] };
  });
}

/** A supporter's erasure at their request, and what the staff pages show about it. */
export function createSupporterErasureService(db: Knex) {
  return {
    ...bindDb(db, { eraseSupporterOnRequest }),
    /** How many ledger entries the supporter has (the confirmation page says so). */
    async entryCount(supporterId: string): Promise<number> {
      const gifts = await db('ledger_entries').where({ supporter_id: supporterId }).count({ n: '*' }).first();
      return Number(gifts?.n ?? 0);
    },
    /** When the supporter's contact data was erased; null if it was not. */
    async erasedAt(supporterId: string): Promise<Date | null> {
      return (await db('supporters').where({ id: supporterId }).first('erased_at'))?.erased_at ?? null;
    },
  };
}

export type SupporterErasureService = ReturnType<typeof createSupporterErasureService>;

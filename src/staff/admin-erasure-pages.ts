import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { findLedgerEntry } from '../ledger/ledger-search';
import { parseOr422 } from '../lib/validation';
import { eraseSupporterOnRequest } from '../supporters/supporter-erasure-service';
import { staffPage } from './admin-page-kit';
import { assertCanWrite } from './principal';
import type { StaffDeps } from './staff-context';

const idParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** A supporter's erasure request from a gift's page: a confirmation step, then the erasure. */
export function adminErasurePages(deps: StaffDeps): Router {
  const router = Router();
  const { db } = deps;

  async function writableEntry(principal: Parameters<typeof assertCanWrite>[0], id: number) {
    const entry = await findLedgerEntry(db, id);
    if (!entry) throw AppError.notFound('Gift');
    assertCanWrite(principal, entry.organizationId);
    return entry;
  }

  router.post('/admin/gifts/:id/erase', staffPage(deps, async (req, _res, page) => {
    const { id } = parseOr422(idParam, req.params);
    const entry = await writableEntry(page.principal, id);
    const gifts = await db('ledger_entries').where({ supporter_id: entry.supporter.id }).count({ n: '*' }).first();
    page.render('erase-confirm', 'Erase a supporter', { entry, entries: Number(gifts?.n ?? 0) });
  }));

  router.post('/admin/gifts/:id/erase/confirm', staffPage(deps, async (req, res, page) => {
    const { id } = parseOr422(idParam, req.params);
    const entry = await writableEntry(page.principal, id);
    await eraseSupporterOnRequest(db, page.principal, entry.supporter.id);
    res.redirect(303, `/admin/gifts/${id}?done=supporter-erased`);
  }));

  return router;
}

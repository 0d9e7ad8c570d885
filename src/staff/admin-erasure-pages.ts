import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { parseOr422 } from '../lib/validation';
import { staffPage } from './admin-page-kit';
import { assertCanWrite } from './principal';
import type { StaffDeps } from './staff-context';

const idParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** A supporter's erasure request from a gift's page: a confirmation step, then the erasure. */
export function adminErasurePages(deps: StaffDeps): Router {
  const router = Router();

  async function writableEntry(principal: Parameters<typeof assertCanWrite>[0], id: number) {
    const entry = await deps.ledger.findLedgerEntry(id);
    if (!entry) throw AppError.notFound('Gift');
    assertCanWrite(principal, entry.organizationId);
    return entry;
  }

  router.post('/admin/gifts/:id/erase', staffPage(deps, async (req, _res, page) => {
    const { id } = parseOr422(idParam, req.params);
    const entry = await writableEntry(page.principal, id);
    page.render('erase-confirm', 'Erase a supporter', { entry, entries: await deps.erasure.entryCount(entry.supporter.id) });
  }));

  router.post('/admin/gifts/:id/erase/confirm', staffPage(deps, async (req, res, page) => {
    const { id } = parseOr422(idParam, req.params);
    const entry = await writableEntry(page.principal, id);
    await deps.erasure.eraseSupporterOnRequest(page.principal, entry.supporter.id);
    res.redirect(303, `/admin/gifts/${id}?done=supporter-erased`);
  }));

  return router;
}

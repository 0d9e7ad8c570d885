import { Router } from 'express';
import { z } from 'zod';
import { GiftRefusal, type GiftActor } from '../gifts/managed-gift';
import { AppError } from '../lib/errors';
import { translate } from '../lib/i18n';
import { fromDecimalString } from '../lib/money';
import { parseOr422 } from '../lib/validation';
import { staffPage } from './admin-page-kit';
import { assertCanWrite, type Principal } from './principal';
import type { StaffDeps } from './staff-context';

const idParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/**
 * Staff change a monthly gift at the supporter's request (sparing them a chargeback's dispute
 * fee): the same changes as "my gifts", audited with the staff member's name.
 */
export function adminGiftPlanPages(deps: StaffDeps): Router {
  const router = Router();

  async function donationOf(principal: Principal, id: number): Promise<string> {
    const entry = await deps.ledger.findLedgerEntry(id);
    if (!entry?.donationId) throw AppError.notFound('Gift');
    assertCanWrite(principal, entry.organizationId);
    return entry.donationId;
  }

  const action = (name: string, run: (actor: GiftActor, donationId: string, body: Record<string, string>) => Promise<void>) =>
    router.post(`/admin/gifts/:id/plan/${name}`, staffPage(deps, async (req, res, page) => {
      const { id } = parseOr422(idParam, req.params);
      const donationId = await donationOf(page.principal, id);
      try {
        await run({ kind: 'staff', principal: page.principal }, donationId, req.body as Record<string, string>);
      } catch (error) {
        if (error instanceof GiftRefusal) {
          throw AppError.invalid([{ field: error.field, message: translate('en', error.key, error.vars) }]);
        }
        throw error;
      }
      res.redirect(303, `/admin/gifts/${id}?done=gift-changed`);
    }));

  action('amount', async (actor, donationId, body) => {
    const currency = (await deps.giftPlans.currencyOf(donationId)) ?? 'usd';
    await deps.giftPlans.changeAmount(actor, donationId, fromDecimalString(String(body.amount ?? '').trim(), currency) ?? Number.NaN);
  });
  action('pause', (actor, donationId, body) => deps.giftPlans.pauseGift(actor, donationId, /^\d$/.test(String(body.months)) ? Number(body.months) : Number.NaN));
  action('resume', (actor, donationId) => deps.giftPlans.resumeGift(actor, donationId));
  action('cancel', async (actor, donationId, body) => {
    if (body.confirm !== 'yes') throw new GiftRefusal('confirm', 'gifts.error.confirm');
    await deps.giftPlans.cancelGift(actor, donationId);
  });
  return router;
}

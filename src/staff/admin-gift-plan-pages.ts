import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { listGiftChanges } from '../gifts/gift-change-repository';
import { cancelGift, changeAmount, pauseGift, resumeGift } from '../gifts/gift-change-service';
import { GiftRefusal, type GiftActor } from '../gifts/managed-gift';
import { findLedgerEntry } from '../ledger/ledger-search';
import { AppError } from '../lib/errors';
import { translate } from '../lib/i18n';
import { fromDecimalString, toDecimalString } from '../lib/money';
import { parseOr422 } from '../lib/validation';
import { staffPage } from './admin-page-kit';
import { assertCanWrite, type Principal } from './principal';
import type { StaffDeps } from './staff-context';

const idParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** What the gift page shows of a monthly gift's plan and its changes, for any reader of the entry. */
export async function giftPlanView(db: Knex, donationId: string | null) {
  if (!donationId) return null;
  const d = await db('donations').where({ id: donationId }).first('frequency', 'status', 'amount', 'currency', 'installments', 'paused_until', 'stripe_subscription_id');
  if (!d || d.frequency !== 'monthly') return null;
  const paused = Boolean(d.paused_until && new Date(d.paused_until) > new Date());
  return {
    status: paused ? 'paused' : d.status, installments: d.installments, pausedUntil: paused ? d.paused_until : null, paused,
    amountMajor: toDecimalString(Number(d.amount), d.currency),
    changeable: ['active', 'failing'].includes(d.status) && Boolean(d.stripe_subscription_id),
    changes: (await listGiftChanges(db, donationId)).map((c) => ({ ...c, byStaff: c.actorKind === 'staff' })),
  };
}

/**
 * Staff change a monthly gift at the supporter's request (sparing them a chargeback's dispute
 * fee): the same changes as "my gifts", audited with the staff member's name.
 */
export function adminGiftPlanPages(deps: StaffDeps): Router {
  const router = Router();
  const { db } = deps;

  async function donationOf(principal: Principal, id: number): Promise<string> {
    const entry = await findLedgerEntry(db, id);
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
    const currency = (await db('donations').where({ id: donationId }).first('currency'))?.currency ?? 'usd';
    await changeAmount(deps, actor, donationId, fromDecimalString(String(body.amount ?? '').trim(), currency) ?? Number.NaN);
  });
  action('pause', (actor, donationId, body) => pauseGift(deps, actor, donationId, /^\d$/.test(String(body.months)) ? Number(body.months) : Number.NaN));
  action('resume', (actor, donationId) => resumeGift(deps, actor, donationId));
  action('cancel', async (actor, donationId, body) => {
    if (body.confirm !== 'yes') throw new GiftRefusal('confirm', 'gifts.error.confirm');
    await cancelGift(deps, actor, donationId);
  });
  return router;
}

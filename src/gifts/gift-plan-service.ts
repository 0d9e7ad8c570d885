import type { Knex } from 'knex';
import { toDecimalString } from '../lib/money';
import { listGiftChanges } from './gift-change-repository';
import { cancelGift, changeAmount, pauseGift, resumeGift, type GiftChangeDeps } from './gift-change-service';
import type { GiftActor } from './managed-gift';

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

/** A monthly gift's plan as staff see and change it at the supporter's request. */
export function createGiftPlanService(deps: GiftChangeDeps) {
  const { db } = deps;
  return {
    planView: (donationId: string | null) => giftPlanView(db, donationId),
    /** The currency a typed amount is read in; undefined for an unknown donation. */
    async currencyOf(donationId: string): Promise<string | undefined> {
      return (await db('donations').where({ id: donationId }).first('currency'))?.currency;
    },
    changeAmount: (actor: GiftActor, donationId: string, amount: number) => changeAmount(deps, actor, donationId, amount),
    pauseGift: (actor: GiftActor, donationId: string, months: number) => pauseGift(deps, actor, donationId, months),
    resumeGift: (actor: GiftActor, donationId: string) => resumeGift(deps, actor, donationId),
    cancelGift: (actor: GiftActor, donationId: string) => cancelGift(deps, actor, donationId),
  };
}

export type GiftPlanService = ReturnType<typeof createGiftPlanService>;

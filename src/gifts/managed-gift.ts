import type { Knex } from 'knex';
import { AppError } from '../lib/errors';
import { assertCanWrite, type Principal } from '../staff/principal';
import type { Vars } from '../lib/i18n';

/** Who changes a gift: the supporter signed in by their emailed link, or staff at their request. */
export type GiftActor =
  | { readonly kind: 'supporter'; readonly email: string; readonly locale: 'en' | 'es' }
  | { readonly kind: 'staff'; readonly principal: Principal };

/** A change refused for a reason the supporter can act on; `key` names the message in locales/. */
export class GiftRefusal extends AppError {
  constructor(readonly field: string, readonly key: string, readonly vars: Vars = {}) {
    super(422, 'gift_change_refused', key, [{ field, message: key }]);
  }
}

export interface ManagedGift {
  readonly id: string;
  readonly organizationId: string;
  readonly campaignSlug: string;
  readonly supporterId: string;
  readonly supporterEmail: string;
  readonly amount: number;
  readonly chargeAmount: number;
  readonly currency: string;
  readonly frequency: 'once' | 'monthly';
  readonly installments: number | null;
  readonly coverFees: boolean;
  readonly status: string;
  readonly earmarkCode: string;
  readonly subscriptionId: string | null;
  readonly customerId: string | null;
  readonly pausedUntil: Date | null;
  /** The campaign's end date when the gift was set to end with it; its schedule keeps ending then. */
  readonly endsAt: Date | null;
  readonly locale: 'en' | 'es';
}

const COLUMNS = [
  'd.id', 'c.organization_id', 'c.slug as campaign_slug', 'd.supporter_id', 's.email', 'd.amount', 'd.charge_amount', 'd.currency',
  'd.frequency', 'd.installments', 'd.cover_fees', 'd.status', 'e.code as earmark_code', 'd.stripe_subscription_id',
  'd.stripe_customer_id', 'd.paused_until', 'd.locale', 'd.ends_with', 'c.ends_at as campaign_ends_at',
];

function toGift(r: Record<string, unknown>): ManagedGift {
  return {
    id: String(r.id), organizationId: String(r.organization_id), campaignSlug: String(r.campaign_slug), supporterId: String(r.supporter_id),
    supporterEmail: String(r.email), amount: Number(r.amount), chargeAmount: Number(r.charge_amount), currency: String(r.currency),
    frequency: r.frequency as ManagedGift['frequency'], installments: r.installments == null ? null : Number(r.installments),
    coverFees: Boolean(r.cover_fees), status: String(r.status), earmarkCode: String(r.earmark_code),
    subscriptionId: (r.stripe_subscription_id as string | null) ?? null, customerId: (r.stripe_customer_id as string | null) ?? null,
    pausedUntil: (r.paused_until as Date | null) ?? null,
    endsAt: r.ends_with === 'campaign_end' ? ((r.campaign_ends_at as Date | null) ?? null) : null, locale: r.locale === 'es' ? 'es' : 'en',
  };
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/**
 * The gift, when this actor may change it: a supporter only their own address's gifts (another
 * supporter's id is as unknown as a made-up one), staff only their organization's.
 */
export async function findManagedGift(db: Knex, actor: GiftActor, donationId: string, lock = false): Promise<ManagedGift> {
  if (!isUuid(donationId)) throw AppError.notFound('Gift');
  const q = db('donations as d').join('supporters as s', 's.id', 'd.supporter_id').join('campaigns as c', 'c.id', 'd.campaign_id')
    .join('earmarks as e', 'e.id', 'd.earmark_id').where('d.id', donationId);
  if (actor.kind === 'supporter') q.where('s.email', actor.email.toLowerCase());
  if (lock) q.forUpdate('d');
  const row = await q.first(COLUMNS);
  if (!row) throw AppError.notFound('Gift');
  const gift = toGift(row);
  if (actor.kind === 'staff') assertCanWrite(actor.principal, gift.organizationId);
  return gift;
}

/** Only a running monthly gift can be changed. */
export function assertChangeable(gift: ManagedGift): asserts gift is ManagedGift & { subscriptionId: string } {
  if (gift.frequency !== 'monthly' || !gift.subscriptionId) throw new GiftRefusal('gift', 'gifts.error.notMonthly');
  if (!['active', 'failing'].includes(gift.status)) throw new GiftRefusal('gift', 'gifts.error.ended');
}

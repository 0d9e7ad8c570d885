import type { Knex } from 'knex';

export type DonationStatus =
  | 'pending' | 'processing' | 'paid' | 'active' | 'failing' | 'completed' | 'cancelled' | 'failed' | 'expired';

export interface Donation {
  readonly id: string;
  readonly organizationId: string;
  readonly campaignId: string;
  readonly earmarkId: string;
  readonly supporterId: string;
  readonly amount: number;
  readonly chargeAmount: number;
  readonly currency: string;
  readonly frequency: 'once' | 'monthly';
  readonly installments: number | null;
  /** A monthly gift that ends with its campaign or when the campaign's goal is met. */
  readonly endsWith: GiftEnding | null;
  /** The campaign's end date, which a gift ending with the campaign stops at. */
  readonly campaignEndsAt: Date | null;
  readonly status: DonationStatus;
  readonly checkoutSessionId: string | null;
  readonly subscriptionId: string | null;
  readonly scheduleId: string | null;
  readonly billingAnchor: Date | null;
  readonly statusChangedAt: Date | null;
}

export type GiftEnding = 'campaign_end' | 'goal_met';

export interface NewDonation {
  readonly campaignId: string;
  readonly earmarkId: string;
  readonly supporterId: string;
  readonly amount: number;
  readonly chargeAmount: number;
  readonly currency: string;
  readonly frequency: 'once' | 'monthly';
  readonly installments: number | null;
  readonly endsWith?: GiftEnding | null;
  readonly coverFees: boolean;
  readonly anonymous: boolean;
  readonly note: string | null;
  readonly locale: 'en' | 'es';
}

const COLUMNS = [
  'd.id', 'c.organization_id', 'd.campaign_id', 'd.earmark_id', 'd.supporter_id', 'd.amount', 'd.charge_amount',
  'd.currency', 'd.frequency', 'd.installments', 'd.status', 'd.stripe_checkout_session_id',
  'd.stripe_subscription_id', 'd.stripe_schedule_id', 'd.billing_anchor', 'd.status_changed_at',
  'd.ends_with', 'c.ends_at as campaign_ends_at',
];

function toDonation(row: Record<string, unknown>): Donation {
  return {
    id: row.id as string,
    organizationId: row.organization_id as string,
    campaignId: row.campaign_id as string,
    earmarkId: row.earmark_id as string,
    supporterId: row.supporter_id as string,
    amount: row.amount as number,
    chargeAmount: row.charge_amount as number,
    currency: row.currency as string,
    frequency: row.frequency as Donation['frequency'],
    installments: row.installments as number | null,
    endsWith: (row.ends_with as GiftEnding | null) ?? null,
    campaignEndsAt: (row.campaign_ends_at as Date | null) ?? null,
    status: row.status as DonationStatus,
    checkoutSessionId: row.stripe_checkout_session_id as string | null,
    subscriptionId: row.stripe_subscription_id as string | null,
    scheduleId: row.stripe_schedule_id as string | null,
    billingAnchor: row.billing_anchor as Date | null,
    statusChangedAt: row.status_changed_at as Date | null,
  };
}

export async function insertDonation(tx: Knex, d: NewDonation): Promise<string> {
  const [row] = await tx('donations')
    .insert({
      campaign_id: d.campaignId, earmark_id: d.earmarkId, supporter_id: d.supporterId, amount: d.amount,
      charge_amount: d.chargeAmount, currency: d.currency, frequency: d.frequency, installments: d.installments,
      ends_with: d.endsWith ?? null, cover_fees: d.coverFees, anonymous: d.anonymous, note: d.note, locale: d.locale,
    })
    .returning('id');
  return row.id as string;
}

/** Reads a donation and locks it for the rest of the transaction, so that concurrent
 * events about one gift take turns. */
export async function lockDonation(tx: Knex, id: string): Promise<Donation | null> {
  const row = await tx('donations as d').join('campaigns as c', 'c.id', 'd.campaign_id')
    .where('d.id', id).forUpdate('d').first(COLUMNS);
  return row ? toDonation(row) : null;
}

export async function findDonation(db: Knex, id: string): Promise<Donation | null> {
  const row = await db('donations as d').join('campaigns as c', 'c.id', 'd.campaign_id').where('d.id', id).first(COLUMNS);
  return row ? toDonation(row) : null;
}

export async function findDonationIdBySubscription(db: Knex, subscriptionId: string): Promise<string | null> {
  const row = await db('donations').where({ stripe_subscription_id: subscriptionId }).first('id');
  return row ? (row.id as string) : null;
}

export type DonationChanges = Partial<{
  status: DonationStatus; statusChangedAt: Date; checkoutSessionId: string; paymentIntentId: string;
  subscriptionId: string; customerId: string; scheduleId: string; billingAnchor: Date; endedAt: Date;
}>;

export async function updateDonation(tx: Knex, id: string, changes: DonationChanges): Promise<void> {
  const columns: Record<string, unknown> = {
    status: changes.status,
    status_changed_at: changes.statusChangedAt,
    stripe_checkout_session_id: changes.checkoutSessionId,
    stripe_payment_intent_id: changes.paymentIntentId,
    stripe_subscription_id: changes.subscriptionId,
    stripe_customer_id: changes.customerId,
    stripe_schedule_id: changes.scheduleId,
    billing_anchor: changes.billingAnchor,
    ended_at: changes.endedAt,
  };
  const defined = Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
  if (Object.keys(defined).length > 0) await tx('donations').where({ id }).update(defined);
}

export async function countPayments(db: Knex, donationId: string): Promise<number> {
  const row = await db('ledger_entries').where({ donation_id: donationId, kind: 'payment' }).count<{ n: number }>('* as n').first();
  return Number(row?.n ?? 0);
}

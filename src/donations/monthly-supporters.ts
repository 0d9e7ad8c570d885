import type { Knex } from 'knex';

export type MonthlyState = 'active' | 'failing' | 'ended' | 'starting';

export interface MonthlySupporter {
  readonly donationId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly anonymous: boolean;
  readonly earmark: string;
  readonly amount: number;
  readonly currency: string;
  readonly installments: number | null;
  readonly status: string;
  readonly state: MonthlyState;
  readonly payments: number;
  readonly raised: number;
  readonly lastPaymentAt: Date | null;
  readonly startedAt: Date;
}

const stateOf = (status: string): MonthlyState =>
  status === 'active' ? 'active' : status === 'failing' ? 'failing' : status === 'completed' || status === 'cancelled' ? 'ended' : 'starting';

/** A campaign's monthly gifts with what each has paid so far, from donations and the ledger. */
export async function monthlySupporters(db: Knex, campaignId: string, state: MonthlyState | null): Promise<MonthlySupporter[]> {
  const q = db('donations as d')
    .join('supporters as s', 's.id', 'd.supporter_id')
    .join('earmarks as e', 'e.id', 'd.earmark_id')
    .leftJoin(db('ledger_entries').where({ campaign_id: campaignId })
      .groupBy('donation_id')
      .select('donation_id', db.raw(`count(*) filter (where kind = 'payment')::bigint as payments`),
        db.raw('coalesce(sum(gross), 0)::bigint as raised'), db.raw(`max(occurred_at) filter (where kind = 'payment') as last_payment_at`))
      .as('l'), 'l.donation_id', 'd.id')
    .where({ 'd.campaign_id': campaignId, 'd.frequency': 'monthly' })
    .whereNotIn('d.status', ['pending', 'expired', 'failed'])
    .orderBy('d.created_at', 'desc')
    .limit(500)
    .select('d.id', 's.first_name', 's.last_name', 's.email', 'd.anonymous', 'e.code as earmark', 'd.amount', 'd.currency',
      'd.installments', 'd.status', 'd.created_at', 'l.payments', 'l.raised', 'l.last_payment_at');
  if (state === 'active') q.where('d.status', 'active');
  if (state === 'failing') q.where('d.status', 'failing');
  if (state === 'ended') q.whereIn('d.status', ['completed', 'cancelled']);
  const rows = await q;
  return rows.map((r) => ({
    donationId: r.id, firstName: r.first_name, lastName: r.last_name, email: r.email, anonymous: r.anonymous,
    earmark: r.earmark, amount: Number(r.amount), currency: r.currency, installments: r.installments, status: r.status,
    state: stateOf(r.status), payments: Number(r.payments ?? 0), raised: Number(r.raised ?? 0),
    lastPaymentAt: r.last_payment_at ?? null, startedAt: r.created_at,
  }));
}

import type { Knex } from 'knex';

/** A ledger entry as books:check reads it: straight from the table, summed in code, not SQL. */
export interface CheckEntry {
  readonly id: number;
  readonly kind: string;
  readonly organizationId: string;
  readonly organizationSlug: string;
  readonly campaignId: string;
  readonly currency: string;
  readonly day: string;
  readonly gross: number;
  readonly fee: number;
  readonly net: number;
  readonly sponsorFee: number;
  readonly sponsorFeeBps: number;
  readonly chargeId: string | null;
}

export interface Sums {
  entries: number; gifts: number; gross: number; received: number; refunds: number; disputes: number;
  fee: number; net: number; sponsorFee: number; netToOrganization: number;
}

export const emptySums = (): Sums => ({
  entries: 0, gifts: 0, gross: 0, received: 0, refunds: 0, disputes: 0, fee: 0, net: 0, sponsorFee: 0, netToOrganization: 0,
});

export function addTo(s: Sums, e: Pick<CheckEntry, 'kind' | 'gross' | 'fee' | 'net' | 'sponsorFee'>): Sums {
  s.entries += 1;
  s.gross += e.gross;
  if (e.kind === 'payment' || e.kind === 'offline') { s.gifts += 1; s.received += e.gross; }
  if (e.kind === 'refund') s.refunds += e.gross;
  if (e.kind === 'dispute' || e.kind === 'dispute_reversal') s.disputes += e.gross;
  s.fee += e.fee;
  s.net += e.net;
  s.sponsorFee += e.sponsorFee;
  s.netToOrganization += e.net - e.sponsorFee;
  return s;
}

/** Sums per key (usually a currency), in first-seen order. */
export function sumBy<T extends Pick<CheckEntry, 'kind' | 'gross' | 'fee' | 'net' | 'sponsorFee'>>(
  entries: readonly T[], key: (e: T) => string,
): Map<string, Sums> {
  const sums = new Map<string, Sums>();
  for (const e of entries) {
    const k = key(e);
    let s = sums.get(k);
    if (!s) { s = emptySums(); sums.set(k, s); }
    addTo(s, e);
  }
  return sums;
}

const toEntry = (r: Record<string, unknown>): CheckEntry => ({
  id: Number(r.id), kind: r.kind as string, organizationId: r.organization_id as string, organizationSlug: r.slug as string,
  campaignId: r.campaign_id as string, currency: r.currency as string, day: r.day as string, gross: Number(r.gross), fee: Number(r.fee),
  net: Number(r.net), sponsorFee: Number(r.sponsor_fee), sponsorFeeBps: Number(r.sponsor_fee_bps), chargeId: (r.stripe_charge_id as string | null) ?? null,
});

const SELECT = `select le.id, le.kind, le.organization_id, o.slug, le.campaign_id, le.currency, le.gross, le.fee, le.net,
    le.sponsor_fee, le.sponsor_fee_bps, le.stripe_charge_id, to_char(le.occurred_at at time zone o.time_zone, 'YYYY-MM-DD') as day
  from ledger_entries le join organizations o on o.id = le.organization_id`;

/** Every entry whose day in its organization's zone is within [from, to]. */
export async function entriesBetween(db: Knex, from: string, to: string): Promise<CheckEntry[]> {
  const { rows } = await db.raw(`${SELECT}
    where le.occurred_at >= ?::date - interval '2 days' and le.occurred_at < ?::date + interval '3 days'
      and (le.occurred_at at time zone o.time_zone)::date between ?::date and ?::date
    order by le.id`, [from, to, from, to]);
  return (rows as Record<string, unknown>[]).map(toEntry);
}

export async function entriesOfCharges(db: Knex, chargeIds: readonly string[]): Promise<CheckEntry[]> {
  const found: CheckEntry[] = [];
  for (let i = 0; i < chargeIds.length; i += 1000) {
    const batch = chargeIds.slice(i, i + 1000);
    const { rows } = await db.raw(`${SELECT} where le.stripe_charge_id in (${batch.map(() => '?').join(', ')}) order by le.id`, batch);
    found.push(...(rows as Record<string, unknown>[]).map(toEntry));
  }
  return found;
}

export async function entriesOfCampaign(db: Knex, campaignId: string, currency: string): Promise<CheckEntry[]> {
  const { rows } = await db.raw(`${SELECT} where le.campaign_id = ? and le.currency = ? order by le.id`, [campaignId, currency]);
  return (rows as Record<string, unknown>[]).map(toEntry);
}

/** round(a / b) half up, for a >= 0 and b > 0, exactly (BigInt: no float touches it). */
const halfUp = (a: bigint, b: bigint): bigint => (2n * a + b) / (2n * b);

/**
 * The sponsor fee each entry should carry, from its own recorded rate (payments and offline
 * gifts) or from its charge's payment (reversals: the payment's fee in proportion to everything
 * reversed so far, less what earlier reversals took back). `history` holds every entry of the
 * charges involved, in id order.
 */
export function expectedSponsorFees(entries: readonly CheckEntry[], history: readonly CheckEntry[]): Map<number, number> {
  const expected = new Map<number, number>();
  for (const e of entries) {
    if (e.kind === 'payment' || e.kind === 'offline') expected.set(e.id, Number(halfUp(BigInt(e.gross) * BigInt(e.sponsorFeeBps), 10000n)));
  }
  const byCharge = new Map<string, CheckEntry[]>();
  for (const e of history) if (e.chargeId) byCharge.set(e.chargeId, [...(byCharge.get(e.chargeId) ?? []), e]);
  for (const [, all] of byCharge) {
    const payment = all.find((e) => e.kind === 'payment');
    let reversed = 0n;
    let taken = 0n;
    for (const e of all) {
      if (e.kind === 'payment') continue;
      let fee = 0n;
      if (payment && payment.gross > 0) {
        reversed += BigInt(e.gross);
        const magnitude = halfUp((reversed < 0n ? -reversed : reversed) * BigInt(payment.sponsorFee), BigInt(payment.gross));
        fee = (reversed < 0n ? -magnitude : magnitude) - taken;
        taken += fee;
      }
      expected.set(e.id, Number(fee));
    }
  }
  for (const e of entries) if (!expected.has(e.id)) expected.set(e.id, 0);
  return expected;
}

import type { Knex } from 'knex';

export type GiftChangeKind = 'amount' | 'earmark' | 'pause' | 'resume' | 'cancel' | 'card';

export interface GiftChangeRow {
  readonly id: number;
  readonly kind: GiftChangeKind;
  readonly actorKind: 'supporter' | 'staff';
  readonly actorLabel: string;
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
  readonly skipFrom: Date | null;
  readonly skipMonths: number | null;
  readonly at: Date;
}

export interface NewGiftChange {
  readonly donationId: string;
  readonly organizationId: string;
  readonly kind: GiftChangeKind;
  readonly actorKind: 'supporter' | 'staff';
  readonly actorLabel: string;
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
  readonly skipFrom?: Date | null;
  readonly skipMonths?: number | null;
}

export async function insertGiftChange(tx: Knex, change: NewGiftChange): Promise<number> {
  const [row] = await tx('gift_changes').insert({
    donation_id: change.donationId, organization_id: change.organizationId, kind: change.kind,
    actor_kind: change.actorKind, actor_label: change.actorLabel,
    before: change.before == null ? null : JSON.stringify(change.before),
    after: change.after == null ? null : JSON.stringify(change.after),
    skip_from: change.skipFrom ?? null, skip_months: change.skipMonths ?? null,
  }).returning('id');
  return Number(row.id);
}

export async function listGiftChanges(db: Knex, donationId: string): Promise<GiftChangeRow[]> {
  const rows = await db('gift_changes').where({ donation_id: donationId }).orderBy('id');
  return rows.map((r) => ({
    id: Number(r.id), kind: r.kind, actorKind: r.actor_kind, actorLabel: r.actor_label, before: r.before, after: r.after,
    skipFrom: r.skip_from, skipMonths: r.skip_months == null ? null : Number(r.skip_months), at: r.created_at,
  }));
}

/** The pause the gift is in or has ahead of it, if any (the latest pause not yet resumed). */
export async function openPause(db: Knex, donationId: string): Promise<{ id: number; skipFrom: Date; skipMonths: number } | null> {
  const row = await db('gift_changes').where({ donation_id: donationId, kind: 'pause' }).where('skip_months', '>', 0)
    .orderBy('id', 'desc').first('id', 'skip_from', 'skip_months');
  return row ? { id: Number(row.id), skipFrom: row.skip_from, skipMonths: Number(row.skip_months) } : null;
}

/** Resuming early shortens the pause to the payments it really skipped. */
export async function setSkippedMonths(tx: Knex, pauseId: number, months: number): Promise<void> {
  await tx('gift_changes').where({ id: pauseId }).update({ skip_months: months });
}

/**
 * Monthly payments a pause skipped before a billing period: the period's payment number is its
 * month from the start, less these.
 */
export async function skippedMonthsBefore(db: Knex, donationId: string, periodStart: Date): Promise<number> {
  const row = await db('gift_changes').where({ donation_id: donationId, kind: 'pause' }).where('skip_from', '<=', periodStart)
    .sum<{ n: number | string | null }>('skip_months as n').first();
  return Number(row?.n ?? 0);
}

import type { Knex } from 'knex';
import { bindDb } from '../db/bind-db';
import { z } from 'zod';
import type { Locale } from '../campaigns/campaign-types';
import { AppError } from '../lib/errors';
import { writeAudit } from '../staff/audit-log';
import { assertCanRead, assertCanWrite, type Principal } from '../staff/principal';
import { jsonColumn } from '../db/json-column';

/** What staff send: both languages, and an amount in the campaign's minor units when they know it. */
export const earmarkUseInputSchema = z.object({
  text: z.object({
    en: z.string().trim().min(1, 'is required').max(500, 'must be at most 500 characters'),
    es: z.string().trim().min(1, 'is required').max(500, 'must be at most 500 characters'),
  }),
  amount: z.number().int('must be whole minor units').positive('must be more than zero')
    .max(Number.MAX_SAFE_INTEGER).nullable().optional()
    .describe('integer minor units in the campaign\'s currency'),
});
export type EarmarkUseInput = z.infer<typeof earmarkUseInputSchema>;

export const earmarkUseViewSchema = z.object({
  id: z.uuid(), earmark: z.string(), text: z.object({ en: z.string(), es: z.string() }),
  amount: z.number().int().nullable(), currency: z.string(), recordedAt: z.string(), recordedBy: z.string(),
});
export type EarmarkUseView = z.infer<typeof earmarkUseViewSchema>;

/** What a supporter sees: one language, no staff names. */
export interface PublicEarmarkUse {
  readonly text: string;
  readonly amount: number | null;
  readonly recordedAt: string;
}

interface UseRow {
  id: string; earmark_id: string; code: string; text_en: string; text_es: string; amount: number | null;
  currency: string; recorded_at: Date; recorded_by: string;
}

const toView = (r: UseRow): EarmarkUseView => ({
  id: r.id, earmark: r.code, text: { en: r.text_en, es: r.text_es }, amount: r.amount == null ? null : Number(r.amount),
  currency: r.currency, recordedAt: new Date(r.recorded_at).toISOString(), recordedBy: r.recorded_by,
});

const liveUses = (db: Knex) => db<UseRow>('earmark_uses as u')
  .join('earmarks as e', 'e.id', 'u.earmark_id').join('campaigns as c', 'c.id', 'u.campaign_id')
  .whereNull('u.removed_at')
  .select('u.id', 'u.earmark_id', 'e.code', 'u.text_en', 'u.text_es', 'u.amount', 'c.currency', 'u.recorded_at', 'u.recorded_by');

async function findEarmark(db: Knex, slug: string, code: string) {
  const row = await db('campaigns as c').leftJoin('earmarks as e', (j) => j.on('e.campaign_id', 'c.id').andOnVal('e.code', code))
    .where('c.slug', slug).first('c.id as campaign_id', 'c.organization_id', 'e.id as earmark_id');
  if (!row) throw AppError.notFound('Campaign');
  return row as { campaign_id: string; organization_id: string; earmark_id: string | null };
}

async function earmarkFor(db: Knex, principal: Principal, slug: string, code: string, write: boolean) {
  const row = await findEarmark(db, slug, code);
  if (write) assertCanWrite(principal, row.organization_id);
  else assertCanRead(principal, row.organization_id);
  if (!row.earmark_id) throw AppError.notFound('Earmark');
  return { ...row, earmark_id: row.earmark_id };
}

export async function listEarmarkUses(db: Knex, principal: Principal, slug: string, code: string): Promise<EarmarkUseView[]> {
  const { earmark_id } = await earmarkFor(db, principal, slug, code, false);
  const rows = await liveUses(db).where('u.earmark_id', earmark_id).orderBy([{ column: 'u.recorded_at', order: 'desc' }, { column: 'u.id' }]);
  return rows.map(toView);
}

/** Every live use of a campaign's earmarks, newest first (the staff page). */
export async function listCampaignUses(db: Knex, campaignId: string): Promise<EarmarkUseView[]> {
  const rows = await liveUses(db).where('u.campaign_id', campaignId).orderBy([{ column: 'u.recorded_at', order: 'desc' }, { column: 'u.id' }]);
  return rows.map(toView);
}

export async function recordEarmarkUse(
  db: Knex, principal: Principal, slug: string, code: string, input: EarmarkUseInput,
): Promise<EarmarkUseView> {
  const target = await earmarkFor(db, principal, slug, code, true);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx('earmark_uses').insert({
      campaign_id: target.campaign_id, earmark_id: target.earmark_id, text_en: input.text.en, text_es: input.text.es,
      amount: input.amount ?? null, recorded_by: principal.label, recorded_by_user_id: principal.userId,
    }).returning('id');
    const useId = (row as { id: string }).id;
    await writeAudit(tx, principal, {
      action: 'earmark_use.record', entityType: 'earmark_use', entityId: useId, organizationId: target.organization_id,
      before: null, after: { campaign: slug, earmark: code, text: input.text, amount: input.amount ?? null },
    });
    return useId;
  });
  const [view] = (await liveUses(db).where('u.id', id)).map(toView);
  return view as EarmarkUseView;
}

/** Soft delete: the row stays, marked removed, and the audit log says who removed it. */
export async function removeEarmarkUse(db: Knex, principal: Principal, slug: string, code: string, id: string): Promise<void> {
  const target = await earmarkFor(db, principal, slug, code, true);
  await db.transaction(async (tx) => {
    const row = await tx('earmark_uses').where({ id, earmark_id: target.earmark_id }).whereNull('removed_at').forUpdate()
      .first('id', 'text_en', 'text_es', 'amount');
    if (!row) throw AppError.notFound('Use');
    await tx('earmark_uses').where({ id }).update({ removed_at: tx.fn.now(), removed_by: principal.label });
    await writeAudit(tx, principal, {
      action: 'earmark_use.remove', entityType: 'earmark_use', entityId: id, organizationId: target.organization_id,
      before: { campaign: slug, earmark: code, text: { en: row.text_en, es: row.text_es }, amount: row.amount == null ? null : Number(row.amount) },
      after: null,
    });
  });
}

/** A use as supporters see it; from json_agg the date is text. */
interface PublicUseRow { earmark_id: string; text_en: string; text_es: string; amount: number | string | null; recorded_at: Date | string }

function usesByEarmark(rows: readonly PublicUseRow[], locale: Locale): Map<string, PublicEarmarkUse[]> {
  const byEarmark = new Map<string, PublicEarmarkUse[]>();
  for (const r of rows) {
    const list = byEarmark.get(r.earmark_id) ?? [];
    list.push({ text: locale === 'es' ? r.text_es : r.text_en, amount: r.amount == null ? null : Number(r.amount), recordedAt: new Date(r.recorded_at).toISOString() });
    byEarmark.set(r.earmark_id, list);
  }
  return byEarmark;
}

/**
 * The latest few uses of each of a campaign's earmarks, in one language, for supporters:
 * the text, the amount and the date, never who recorded it. Keyed by earmark id.
 */
export async function latestUsesByEarmark(
  db: Knex, campaignId: string, locale: Locale, options: { perEarmark?: number; since?: Date | null } = {},
): Promise<Map<string, PublicEarmarkUse[]>> {
  const { rows } = await db.raw(`select ${latestUsesColumnSql('?', options.perEarmark, options.since ? '?' : null)}`,
    options.since ? [campaignId, options.since] : [campaignId]) as { rows: Array<Record<string, unknown>> };
  return latestUsesOf(rows[0] as Record<string, unknown>, locale);
}

/**
 * The latest uses of each earmark (three unless told) as one column, `latest_uses`, over SQL for
 * the campaign's id (a bound parameter, or a campaign row's column in the same statement) and,
 * if given, the moment after which they were recorded.
 */
export function latestUsesColumnSql(campaignId: string, perEarmark = 3, recordedAfter: string | null = null): string {
  return `(select coalesce(json_agg(r order by r.earmark_id, r.n), '[]') from (
       select earmark_id, text_en, text_es, amount, recorded_at,
         row_number() over (partition by earmark_id order by recorded_at desc, id) as n
       from earmark_uses where campaign_id = ${campaignId} and removed_at is null${recordedAfter ? ` and recorded_at > ${recordedAfter}` : ''}) r
     where r.n <= ${Math.max(1, Math.trunc(perEarmark))}) as latest_uses`;
}

export function latestUsesOf(row: Record<string, unknown>, locale: Locale): Map<string, PublicEarmarkUse[]> {
  return usesByEarmark(jsonColumn<PublicUseRow[]>(row.latest_uses), locale);
}

/** What the money paid for between two moments (a progress update and the one before it), oldest first. */
export async function usesBetween(
  db: Knex, campaignId: string, after: Date | null, upTo: Date, locale: Locale,
): Promise<Array<PublicEarmarkUse & { earmark: string }>> {
  const rows = await db('earmark_uses as u').join('earmarks as e', 'e.id', 'u.earmark_id')
    .where('u.campaign_id', campaignId).whereNull('u.removed_at').where('u.recorded_at', '<=', upTo)
    .modify((q) => { if (after) q.where('u.recorded_at', '>', after); })
    .orderBy([{ column: 'e.position' }, { column: 'e.code' }, { column: 'u.recorded_at' }, { column: 'u.id' }])
    .select('e.label_en', 'e.label_es', 'u.text_en', 'u.text_es', 'u.amount', 'u.recorded_at');
  return rows.map((r: { label_en: string; label_es: string; text_en: string; text_es: string; amount: number | null; recorded_at: Date }) => ({
    earmark: locale === 'es' ? r.label_es : r.label_en, text: locale === 'es' ? r.text_es : r.text_en,
    amount: r.amount == null ? null : Number(r.amount), recordedAt: new Date(r.recorded_at).toISOString(),
  }));
}

/** What earmarks' money paid for, as staff record and read it. */
export const createEarmarkUseService = (db: Knex) => bindDb(db, { listEarmarkUses, listCampaignUses, recordEarmarkUse, removeEarmarkUse });

export type EarmarkUseService = ReturnType<typeof createEarmarkUseService>;

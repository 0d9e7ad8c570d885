import type { Knex } from 'knex';

export interface OrganizationRow {
  id: string; slug: string; name: string; time_zone: string; fee_rate_bps: number; fee_fixed: number | string;
  sponsor_fee_bps: number; receipt_text_en: string; receipt_text_es: string; archived_at: Date | null;
}

const COLUMNS = ['id', 'slug', 'name', 'time_zone', 'fee_rate_bps', 'fee_fixed', 'sponsor_fee_bps', 'receipt_text_en', 'receipt_text_es', 'archived_at'];

export async function findOrganizationRow(db: Knex, slug: string, lock = false): Promise<OrganizationRow | null> {
  const q = db('organizations').where({ slug });
  if (lock) q.forUpdate();
  return (await q.first<OrganizationRow | undefined>(COLUMNS)) ?? null;
}

export async function listOrganizationRows(db: Knex, onlyId: string | null): Promise<OrganizationRow[]> {
  const q = db('organizations').orderBy('name');
  if (onlyId) q.where({ id: onlyId });
  return q.select<OrganizationRow[]>(COLUMNS);
}

export async function slugTaken(db: Knex, slug: string): Promise<boolean> {
  return Boolean(await db('organizations').where({ slug }).first('id'));
}

export async function organizationHasGifts(db: Knex, organizationId: string): Promise<boolean> {
  return Boolean(await db('ledger_entries').where({ organization_id: organizationId }).first('id'));
}

export async function organizationsWithGifts(db: Knex, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db('organizations as o').whereIn('o.id', ids)
    .whereExists((q) => q.select(db.raw('1')).from('ledger_entries as l').whereRaw('l.organization_id = o.id'))
    .select('o.id');
  return new Set(rows.map((r: { id: string }) => r.id));
}

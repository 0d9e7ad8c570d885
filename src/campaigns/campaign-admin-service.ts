import type { Knex } from 'knex';
import { monthlySupporters } from '../donations/monthly-supporters';
import { bindDb } from '../db/bind-db';
import { AppError } from '../lib/errors';
import { writeAudit } from '../staff/audit-log';
import { assertCanRead, assertCanWrite, readableOrganization, type Principal } from '../staff/principal';
import type { CampaignView, CreateCampaignInput, EarmarkInput, UpdateCampaignInput } from './campaign-admin-schemas';

interface Row {
  id: string; organization_id: string; organization_slug: string; slug: string; title_en: string; title_es: string;
  description_en: string; description_es: string; currency: string; goal: number | null; starts_at: Date | null;
  ends_at: Date | null; status: CampaignView['status']; preset_amounts: Array<string | number>; monthly_enabled: boolean;
  milestone_steps: number[] | null;
  earmarks: Array<{ code: string; label_en: string; label_es: string; goal: number | null }>;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function viewsOf(rows: Row[]): Array<CampaignView & { organizationId: string }> {
  return rows.map((r) => ({
    id: r.id, slug: r.slug, organization: r.organization_slug, organizationId: r.organization_id,
    title: { en: r.title_en, es: r.title_es }, description: { en: r.description_en, es: r.description_es },
    currency: r.currency, goal: r.goal, startsAt: iso(r.starts_at), endsAt: iso(r.ends_at), status: r.status,
    presetAmounts: r.preset_amounts.map(Number), monthlyEnabled: r.monthly_enabled,
    milestoneSteps: (r.milestone_steps ?? []).map(Number),
    earmarks: r.earmarks.map((e) => ({ code: e.code, label: { en: e.label_en, es: e.label_es }, goal: e.goal == null ? null : Number(e.goal) })),
  }));
}

// The earmarks come in the campaign's own row (one round trip, not two: the staff totals and
// every campaign page start here).
const baseQuery = (db: Knex) => db<Row>('campaigns as c').join('organizations as o', 'o.id', 'c.organization_id')
  .select('c.*', 'o.slug as organization_slug', db.raw(`coalesce((select json_agg(json_build_object(
      'code', e.code, 'label_en', e.label_en, 'label_es', e.label_es, 'goal', e.goal) order by e.position, e.code)
    from earmarks e where e.campaign_id = c.id), '[]'::json) as earmarks`));

export async function listCampaigns(db: Knex, principal: Principal): Promise<Array<CampaignView & { organizationId: string }>> {
  const q = baseQuery(db).orderBy('c.created_at', 'desc');
  const org = readableOrganization(principal);
  if (org) q.where('c.organization_id', org);
  return viewsOf(await q);
}

/** One campaign the principal may read; 404 for a slug that does not exist, 403 for another organization's. */
export async function readCampaign(db: Knex, principal: Principal, slug: string): Promise<CampaignView & { organizationId: string }> {
  return (await readCampaignWith(db, principal, slug, null)).campaign;
}

/**
 * readCampaign with more columns computed in the same statement from the campaign's row `c`
 * (SQL that names `c.id`, `c.currency`, …): one round trip for a page that needs both.
 */
export async function readCampaignWith(
  db: Knex, principal: Principal, slug: string, columnsSql: string | null,
): Promise<{ campaign: CampaignView & { organizationId: string }; columns: Record<string, unknown> }> {
  const rows = await baseQuery(db).modify((q) => { if (columnsSql) q.select(db.raw(columnsSql)); })
    .where('c.slug', slug) as Array<Row & Record<string, unknown>>;
  const [campaign] = viewsOf(rows);
  if (!campaign) throw AppError.notFound('Campaign');
  assertCanRead(principal, campaign.organizationId);
  return { campaign, columns: rows[0] as Record<string, unknown> };
}

const stripInternal = ({ organizationId: _o, ...view }: CampaignView & { organizationId: string }): CampaignView => view;
export const publicView = stripInternal;

function checkDates(startsAt: string | null, endsAt: string | null): void {
  if (startsAt && endsAt && new Date(endsAt) <= new Date(startsAt)) {
    throw AppError.invalid([{ field: 'endsAt', message: 'must be after the start' }]);
  }
}

async function upsertEarmarks(tx: Knex, campaignId: string, earmarks: readonly EarmarkInput[]): Promise<void> {
  await tx('earmarks')
    .insert(earmarks.map((e, i) => ({
      campaign_id: campaignId, code: e.code, label_en: e.label.en, label_es: e.label.es, goal: e.goal, position: i + 1,
    })))
    .onConflict(['campaign_id', 'code'])
    .merge(['label_en', 'label_es', 'goal', 'position']);
}

export async function createCampaign(db: Knex, principal: Principal, input: CreateCampaignInput): Promise<CampaignView> {
  checkDates(input.startsAt, input.endsAt);
  return db.transaction(async (tx) => {
    const orgSlug = input.organization;
    const org = orgSlug
      ? await tx('organizations').where({ slug: orgSlug }).first('id')
      : principal.organizationId ? { id: principal.organizationId } : null;
    if (!org) {
      throw orgSlug ? AppError.notFound('Organization') : AppError.invalid([{ field: 'organization', message: 'is required' }]);
    }
    assertCanWrite(principal, org.id);
    if (await tx('campaigns').where({ slug: input.slug }).first('id')) {
      throw new AppError(409, 'slug_taken', `The address "${input.slug}" is taken; choose another`, [{ field: 'slug', message: 'is taken' }]);
    }
    const [row] = await tx('campaigns').insert({
      organization_id: org.id, slug: input.slug, title_en: input.title.en, title_es: input.title.es,
      description_en: input.description.en, description_es: input.description.es, currency: input.currency,
      goal: input.goal, starts_at: input.startsAt, ends_at: input.endsAt, status: input.status,
      preset_amounts: input.presetAmounts, monthly_enabled: input.monthlyEnabled,
      milestone_steps: input.milestoneSteps,
    }).returning('id');
    await upsertEarmarks(tx, row.id, input.earmarks);
    const created = await readCampaign(tx, principal, input.slug);
    await writeAudit(tx, principal, {
      action: 'campaign.create', entityType: 'campaign', entityId: created.id, organizationId: org.id,
      before: null, after: stripInternal(created),
    });
    return stripInternal(created);
  });
}

export async function updateCampaign(db: Knex, principal: Principal, slug: string, patch: UpdateCampaignInput): Promise<CampaignView> {
  return db.transaction(async (tx) => {
    // Lock first, so "before" is what this change really replaces.
    await tx('campaigns').where({ slug }).forUpdate().first('id');
    const before = await readCampaign(tx, principal, slug);
    assertCanWrite(principal, before.organizationId);
    checkDates(patch.startsAt === undefined ? before.startsAt : patch.startsAt, patch.endsAt === undefined ? before.endsAt : patch.endsAt);
    const changes: Record<string, unknown> = {};
    if (patch.title) Object.assign(changes, { title_en: patch.title.en, title_es: patch.title.es });
    if (patch.description) Object.assign(changes, { description_en: patch.description.en, description_es: patch.description.es });
    if (patch.goal !== undefined) changes.goal = patch.goal;
    if (patch.startsAt !== undefined) changes.starts_at = patch.startsAt;
    if (patch.endsAt !== undefined) changes.ends_at = patch.endsAt;
    if (patch.status) changes.status = patch.status;
    if (patch.presetAmounts) changes.preset_amounts = patch.presetAmounts;
    if (patch.monthlyEnabled !== undefined) changes.monthly_enabled = patch.monthlyEnabled;
    if (patch.milestoneSteps) changes.milestone_steps = patch.milestoneSteps;
    if (Object.keys(changes).length > 0) await tx('campaigns').where({ id: before.id }).update(changes);
    if (patch.earmarks) await upsertEarmarks(tx, before.id, patch.earmarks);
    const after = await readCampaign(tx, principal, slug);
    await writeAudit(tx, principal, {
      action: 'campaign.update', entityType: 'campaign', entityId: before.id, organizationId: before.organizationId,
      before: stripInternal(before), after: stripInternal(after),
    });
    return stripInternal(after);
  });
}

/** The staff's campaigns: list, read, create, change, and their monthly supporters. */
export function createCampaignAdminService(db: Knex) {
  return {
    ...bindDb(db, { listCampaigns, readCampaign, createCampaign, updateCampaign, monthlySupporters }),
    /** The currency a typed amount is read in; undefined for an unknown campaign. */
    async currencyOf(slug: string): Promise<string | undefined> {
      const row = await db('campaigns').where({ slug }).first('currency');
      return row?.currency;
    },
  };
}

export type CampaignAdminService = ReturnType<typeof createCampaignAdminService>;

import type { Knex } from 'knex';
import { bindDb } from '../db/bind-db';
import { AppError } from '../lib/errors';
import { writeAudit } from '../staff/audit-log';
import {
  listOrganizationSettings, readOrganizationSettings, updateOrganizationSettings, type OrganizationSettings,
  type OrganizationSettingsPatch,
} from '../staff/organization-settings-service';
import { readableOrganization, type Principal } from '../staff/principal';
import {
  findOrganizationRow, listOrganizationRows, organizationHasGifts, organizationsWithGifts, slugTaken, type OrganizationRow,
} from './organization-repository';
import { rebuildOrganizationTotals } from '../ledger/ledger-totals-repository';
import { IDENTITY_FIELDS, type OrganizationCreate, type OrganizationPatch, type OrganizationView } from './organization-schemas';

const mustBeAdmin = (principal: Principal, what: string) => {
  if (principal.role !== 'admin') throw new AppError(403, 'forbidden', `Only an admin may ${what}`);
};

const slugClash = (slug: string) =>
  new AppError(409, 'slug_taken', `The slug "${slug}" is already taken`, [{ field: 'slug', message: `"${slug}" is already taken` }]);

const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === '23505';

function view(settings: OrganizationSettings, row: OrganizationRow, hasGifts: boolean): OrganizationView {
  return {
    ...settings, timeZone: row.time_zone, feeRateBps: Number(row.fee_rate_bps), feeFixed: Number(row.fee_fixed),
    sponsorFeeBps: Number(row.sponsor_fee_bps), receiptText: { en: row.receipt_text_en, es: row.receipt_text_es },
    archived: row.archived_at != null, hasGifts,
  };
}

async function requireRow(db: Knex, slug: string, lock = false): Promise<OrganizationRow> {
  const row = await findOrganizationRow(db, slug, lock);
  if (!row) throw AppError.notFound('Organization');
  return row;
}

/** The organizations the caller may read: all of them for admin and sponsor, their own for staff. */
export async function listOrganizations(db: Knex, principal: Principal): Promise<OrganizationView[]> {
  const [settings, rows] = await Promise.all([
    listOrganizationSettings(db, principal), listOrganizationRows(db, readableOrganization(principal)),
  ]);
  const withGifts = await organizationsWithGifts(db, rows.map((r) => r.id));
  const bySlug = new Map(rows.map((r) => [r.slug, r]));
  return settings.flatMap((s) => {
    const row = bySlug.get(s.organization);
    return row ? [view(s, row, withGifts.has(row.id))] : [];
  });
}

export async function readOrganization(db: Knex, principal: Principal, slug: string): Promise<OrganizationView> {
  const settings = await readOrganizationSettings(db, principal, slug);
  const row = await requireRow(db, slug);
  return view(settings, row, await organizationHasGifts(db, row.id));
}

/** A new organization (admin only); a slug clash is a 409 naming the slug, and nothing is stored. */
export async function createOrganization(db: Knex, principal: Principal, input: OrganizationCreate): Promise<OrganizationView> {
  mustBeAdmin(principal, 'create an organization');
  await db.transaction(async (tx) => {
    if (await slugTaken(tx, input.slug)) throw slugClash(input.slug);
    const [row] = await tx('organizations').insert({
      slug: input.slug, name: input.name, time_zone: input.timeZone,
      ...(input.feeRateBps !== undefined ? { fee_rate_bps: input.feeRateBps } : {}),
      ...(input.feeFixed !== undefined ? { fee_fixed: input.feeFixed } : {}),
      sponsor_fee_bps: input.sponsorFeeBps ?? 0,
      receipt_text_en: input.receiptText?.en ?? '', receipt_text_es: input.receiptText?.es ?? '',
    }).returning('id').catch((error: unknown) => {
      throw isUniqueViolation(error) ? slugClash(input.slug) : error;
    });
    await writeAudit(tx, principal, {
      action: 'organization.create', entityType: 'organization', entityId: String(row.id), organizationId: String(row.id),
      before: null, after: input,
    });
  });
  return readOrganization(db, principal, input.slug);
}

function identityChanges(patch: OrganizationPatch, row: OrganizationRow): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (patch.slug !== undefined && patch.slug !== row.slug) changes.slug = patch.slug;
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.timeZone !== undefined) changes.time_zone = patch.timeZone;
  if (patch.feeRateBps !== undefined) changes.fee_rate_bps = patch.feeRateBps;
  if (patch.feeFixed !== undefined) changes.fee_fixed = patch.feeFixed;
  if (patch.sponsorFeeBps !== undefined) changes.sponsor_fee_bps = patch.sponsorFeeBps;
  if (patch.archived !== undefined && patch.archived !== (row.archived_at != null)) changes.archived_at = patch.archived ? new Date() : null;
  return changes;
}

/**
 * Changes an organization in one transaction: its identity, zone, fees and archive state (admin
 * only), its receipt text and its form settings (its own staff too). All or nothing, audited.
 */
export async function updateOrganization(db: Knex, principal: Principal, slug: string, patch: OrganizationPatch): Promise<OrganizationView> {
  const touchesIdentity = IDENTITY_FIELDS.some((field) => patch[field] !== undefined);
  const finalSlug = await db.transaction(async (tx) => {
    const row = await requireRow(tx, slug, true);
    // Reading first answers another organization's staff 403 before anything else is said.
    await readOrganizationSettings(tx, principal, slug);
    if (touchesIdentity) mustBeAdmin(principal, 'change an organization\'s name, slug, time zone, fees or archive state');
    if (principal.role === 'sponsor') throw new AppError(403, 'forbidden', 'The sponsor role reads and exports; it changes nothing');
    const changes = identityChanges(patch, row);
    if (patch.receiptText?.en !== undefined) changes.receipt_text_en = patch.receiptText.en;
    if (patch.receiptText?.es !== undefined) changes.receipt_text_es = patch.receiptText.es;
    if (typeof changes.slug === 'string') {
      if (await organizationHasGifts(tx, row.id)) {
        throw new AppError(409, 'slug_fixed', `The slug "${row.slug}" is fixed: the organization has gifts`, [
          { field: 'slug', message: 'is fixed once the organization has gifts (receipts and exports name it)' }]);
      }
      if (await slugTaken(tx, changes.slug)) throw slugClash(changes.slug);
    }
    if (Object.keys(changes).length > 0) {
      await tx('organizations').where({ id: row.id }).update(changes).catch((error: unknown) => {
        throw isUniqueViolation(error) ? slugClash(String(changes.slug)) : error;
      });
      // The running sums' months are in the organization's zone: a new zone sums them again.
      if (changes.time_zone !== undefined && changes.time_zone !== row.time_zone) await rebuildOrganizationTotals(tx, row.id);
      const after = await requireRow(tx, String(changes.slug ?? slug));
      await writeAudit(tx, principal, {
        action: 'organization.update_identity', entityType: 'organization', entityId: row.id, organizationId: row.id, before: row, after,
      });
    }
    const newSlug = String(changes.slug ?? slug);
    const settingsPatch: OrganizationSettingsPatch = {
      embedOrigins: patch.embedOrigins, askPhone: patch.askPhone, askAddress: patch.askAddress, askNote: patch.askNote,
      retentionYears: patch.retentionYears, staffNoticeEmails: patch.staffNoticeEmails, staffNoticeMode: patch.staffNoticeMode,
    };
    const settingsFields = Object.values(settingsPatch).filter((v) => v !== undefined).length;
    if (settingsFields > 0 || Object.keys(changes).length === 0) {
      await updateOrganizationSettings(tx, principal, newSlug, settingsPatch);
    }
    return newSlug;
  });
  return readOrganization(db, principal, finalSlug);
}

/** A name and slug, for a page's list of organizations to pick from. */
export interface OrganizationChoice {
  readonly slug: string;
  readonly name: string;
}

/** Organizations as staff manage them: identity, fees, settings, and the lists pages pick from. */
export function createOrganizationAdminService(db: Knex) {
  return {
    ...bindDb(db, {
      listOrganizations, readOrganization, createOrganization, updateOrganization, readOrganizationSettings, updateOrganizationSettings,
    }),
    /** Every organization, by name. */
    choices: (): Promise<OrganizationChoice[]> => db('organizations').orderBy('name').select('slug', 'name'),
    /** The organizations not archived, by name. */
    activeChoices: (): Promise<OrganizationChoice[]> => db('organizations').whereNull('archived_at').orderBy('name').select('slug', 'name'),
    /** One organization, as a list of one (none for an unknown id). */
    choiceOf: (id: string | null): Promise<OrganizationChoice[]> => db('organizations').where({ id }).select('slug', 'name'),
  };
}

export type OrganizationAdminService = ReturnType<typeof createOrganizationAdminService>;

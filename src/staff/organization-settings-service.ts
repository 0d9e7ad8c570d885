import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { writeAudit } from './audit-log';
import { assertCanRead, assertCanWrite, type Principal } from './principal';

/**
 * An exact origin as CSP frame-ancestors compares it: https, a host name, an optional port,
 * nothing after it (no path, no wildcard, no trailing slash).
 */
export const embedOriginSchema = z.string().trim().toLowerCase()
  .regex(/^https:\/\/[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d{1,5})?$/,
    'must be an exact origin like https://network.example or https://network.example:8443 (https, no path, no wildcard)')
  .refine((origin) => {
    const port = /:(\d+)$/.exec(origin.slice('https://'.length))?.[1];
    return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
  }, 'has a port outside 1–65535');

export const organizationParams = z.object({ organization: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a slug') });

export const organizationSettingsPatchSchema = z.object({
  embedOrigins: z.array(embedOriginSchema).max(20, 'at most 20 origins')
    .transform((origins) => [...new Set(origins)]).optional()
    .describe('Origins allowed to frame this organization\'s donation forms (CSP frame-ancestors)'),
  askPhone: z.boolean().optional(),
  askAddress: z.boolean().optional(),
  askNote: z.boolean().optional(),
  retentionYears: z.number().int('must be a whole number of years').min(1, 'must be at least 1').max(50, 'must be at most 50').optional()
    .describe('Years after a supporter\'s last gift before their contact data is erased'),
  staffNoticeEmails: z.array(z.email('must be an email address').trim().toLowerCase()).max(10, 'at most 10 addresses').optional()
    .describe('Staff addresses told of each new gift (anonymous gifts are not named)'),
  staffNoticeMode: z.enum(['single', 'digest', 'off']).optional().describe('One email per gift, a daily digest, or none'),
}).strict();
export type OrganizationSettingsPatch = z.infer<typeof organizationSettingsPatchSchema>;

export const organizationSettingsSchema = z.object({
  organization: z.string(), name: z.string(), embedOrigins: z.array(z.string()),
  askPhone: z.boolean(), askAddress: z.boolean(), askNote: z.boolean(), retentionYears: z.number().int(),
  staffNoticeEmails: z.array(z.string()), staffNoticeMode: z.enum(['single', 'digest', 'off']),
});
export type OrganizationSettings = z.infer<typeof organizationSettingsSchema>;

const COLUMNS = [
  'id', 'slug', 'name', 'embed_origins', 'ask_phone', 'ask_address', 'ask_note', 'retention_years', 'staff_notice_emails', 'staff_notice_mode',
];

async function loadRow(db: Knex, slug: string, lock = false): Promise<Record<string, unknown>> {
  const q = db('organizations').where({ slug });
  if (lock) q.forUpdate();
  const row = await q.first(COLUMNS);
  if (!row) throw AppError.notFound('Organization');
  return row;
}

const view = (row: Record<string, unknown>): OrganizationSettings => ({
  organization: String(row.slug), name: String(row.name), embedOrigins: (row.embed_origins as string[] | null) ?? [],
  askPhone: Boolean(row.ask_phone), askAddress: Boolean(row.ask_address), askNote: Boolean(row.ask_note),
  retentionYears: Number(row.retention_years),
  staffNoticeEmails: (row.staff_notice_emails as string[] | null) ?? [],
  staffNoticeMode: row.staff_notice_mode as OrganizationSettings['staffNoticeMode'],
});

export async function listOrganizationSettings(db: Knex, principal: Principal): Promise<OrganizationSettings[]> {
  const q = db('organizations').orderBy('name');
  if (principal.role === 'staff') q.where({ id: principal.organizationId });
  return (await q.select(COLUMNS)).map(view);
}

export async function readOrganizationSettings(db: Knex, principal: Principal, slug: string): Promise<OrganizationSettings> {
  const row = await loadRow(db, slug);
  assertCanRead(principal, String(row.id));
  return view(row);
}

/** Changes what the form asks and who may frame it, with the before and after in the audit log, in one transaction. */
export async function updateOrganizationSettings(
  db: Knex, principal: Principal, slug: string, patch: OrganizationSettingsPatch,
): Promise<OrganizationSettings> {
  return db.transaction(async (tx) => {
    const row = await loadRow(tx, slug, true);
    assertCanWrite(principal, String(row.id));
    const changes: Record<string, unknown> = {};
    if (patch.embedOrigins !== undefined) changes.embed_origins = patch.embedOrigins;
    if (patch.askPhone !== undefined) changes.ask_phone = patch.askPhone;
    if (patch.askAddress !== undefined) changes.ask_address = patch.askAddress;
    if (patch.askNote !== undefined) changes.ask_note = patch.askNote;
    if (patch.retentionYears !== undefined) changes.retention_years = patch.retentionYears;
    if (patch.staffNoticeEmails !== undefined) changes.staff_notice_emails = patch.staffNoticeEmails;
    if (patch.staffNoticeMode !== undefined) changes.staff_notice_mode = patch.staffNoticeMode;
    if (Object.keys(changes).length > 0) await tx('organizations').where({ id: row.id }).update(changes);
    const after = view(await loadRow(tx, slug));
    await writeAudit(tx, principal, {
      action: 'organization.update', entityType: 'organization', entityId: String(row.id), organizationId: String(row.id),
      before: view(row), after,
    });
    return after;
  });
}

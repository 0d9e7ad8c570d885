import { Router } from 'express';
import { AppError } from '../lib/errors';
import { parseOr422 } from '../lib/validation';
import { staffPage, type PageContext } from '../staff/admin-page-kit';
import { errorList, formErrors } from '../staff/form-errors';
import { organizationParams } from '../staff/organization-settings-service';
import type { Principal } from '../staff/principal';
import type { StaffDeps } from '../staff/staff-context';
import type { OrganizationAdminService } from './organization-admin-service';
import { organizationCreateSchema, organizationIdentityPatchSchema } from './organization-schemas';

const LABELS: Record<string, string> = {
  name: 'Name', slug: 'Slug', timeZone: 'Time zone', feeRateBps: '"Cover the fees" rate (basis points)',
  feeFixed: '"Cover the fees" fixed part (cents)', sponsorFeeBps: 'Sponsor\'s administrative fee (basis points)',
  'receiptText.en': 'Receipt text (English)', 'receiptText.es': 'Receipt text (Spanish)',
};
const NAMES: Record<string, string> = { 'receiptText.en': 'receipt_en', 'receiptText.es': 'receipt_es' };
const FIELDS = ['name', 'slug', 'timeZone', 'feeRateBps', 'feeFixed', 'sponsorFeeBps', 'receipt_en', 'receipt_es'];

/** Whole numbers stay numbers; anything else reaches the schema as typed, to be named in its message. */
const num = (v: string) => (/^-?\d+$/.test(v.trim()) ? Number(v) : v.trim() === '' ? undefined : v);
const valuesOf = (form: Record<string, unknown>) => Object.fromEntries(FIELDS.map((k) => [k, typeof form[k] === 'string' ? String(form[k]) : '']));
const labels = Object.fromEntries(Object.entries(LABELS).map(([k, v]) => [NAMES[k] ?? k, v]));

/** /admin/organizations: an admin creates organizations and sets their name, slug, zone, fees and archive state. */
export function organizationPages(deps: StaffDeps): Router {
  const router = Router();

  const list = async (page: PageContext, extra: Record<string, unknown> = {}, status = 200) =>
    page.render('organizations', 'Organizations', { ...(await organizationListData(deps.organizations, page.principal)), ...extra }, status);

  router.post('/admin/organizations', staffPage(deps, async (req, res, page) => {
    const values = valuesOf(req.body as Record<string, unknown>);
    try {
      const input = parseOr422(organizationCreateSchema, {
        slug: values.slug, name: values.name, timeZone: values.timeZone,
        feeRateBps: num(values.feeRateBps ?? ''), feeFixed: num(values.feeFixed ?? ''), sponsorFeeBps: num(values.sponsorFeeBps ?? ''),
        receiptText: { en: values.receipt_en, es: values.receipt_es },
      });
      const created = await deps.organizations.createOrganization(page.principal, input);
      res.redirect(303, `/admin/organizations/${created.organization}?done=created`);
    } catch (error) {
      const errors = formErrors(error, NAMES);
      if (!errors) throw error;
      await list(page, { values, errors, errorList: errorList(errors, labels) }, (error as AppError).status);
    }
  }));

  router.post('/admin/organizations/:organization/identity', staffPage(deps, async (req, res, page) => {
    const { organization } = parseOr422(organizationParams, req.params);
    const form = req.body as Record<string, unknown>;
    const values = valuesOf(form);
    try {
      const patch = parseOr422(organizationIdentityPatchSchema, {
        name: values.name, slug: values.slug, timeZone: values.timeZone, feeRateBps: num(values.feeRateBps ?? ''),
        feeFixed: num(values.feeFixed ?? ''), sponsorFeeBps: num(values.sponsorFeeBps ?? ''), archived: form.archived === 'on',
      });
      const updated = await deps.organizations.updateOrganization(page.principal, organization, {
        ...patch, receiptText: { en: values.receipt_en ?? '', es: values.receipt_es ?? '' },
      });
      res.redirect(303, `/admin/organizations/${updated.organization}?done=saved`);
    } catch (error) {
      const errors = formErrors(error, NAMES);
      if (!errors) throw error;
      const settings = await deps.organizations.readOrganization(page.principal, organization);
      page.render('organization', settings.name, {
        settings, canWrite: true, originsText: settings.embedOrigins.join('\n'), isAdmin: true,
        identity: { ...values, archived: form.archived === 'on' }, errors: undefined, identityErrors: errors,
        errorList: errorList(errors, labels),
      }, (error as AppError).status);
    }
  }));

  return router;
}

/** The list page's data: every organization the caller may read, and the create form's defaults. */
export async function organizationListData(organizations: OrganizationAdminService, principal: Principal) {
  return {
    organizations: await organizations.listOrganizations(principal), isAdmin: principal.role === 'admin',
    values: { timeZone: 'America/Los_Angeles', feeRateBps: '290', feeFixed: '30', sponsorFeeBps: '0' },
  };
}

/** The detail page's identity form, filled with what is stored. */
export async function identityData(organizations: OrganizationAdminService, principal: Principal, slug: string) {
  const o = await organizations.readOrganization(principal, slug);
  return {
    isAdmin: principal.role === 'admin',
    identity: {
      name: o.name, slug: o.organization, timeZone: o.timeZone, feeRateBps: String(o.feeRateBps), feeFixed: String(o.feeFixed),
      sponsorFeeBps: String(o.sponsorFeeBps), receipt_en: o.receiptText.en, receipt_es: o.receiptText.es, archived: o.archived, hasGifts: o.hasGifts,
    },
  };
}

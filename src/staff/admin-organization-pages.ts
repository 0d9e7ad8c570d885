import { Router } from 'express';
import { AppError } from '../lib/errors';
import { parseOr422 } from '../lib/validation';
import { staffPage } from './admin-page-kit';
import { identityData, organizationListData } from '../organizations/organization-pages';
import {
  organizationParams, organizationSettingsPatchSchema, type OrganizationSettings,
} from './organization-settings-service';
import type { StaffDeps } from './staff-context';

/** The form's text fields as the patch the API takes: one origin a line, checkboxes present or not. */
export function settingsFromForm(form: Record<string, unknown>) {
  const origins = String(form.embed_origins ?? '').split(/\r?\n/).map((o) => o.trim()).filter((o) => o !== '');
  const years = String(form.retention_years ?? '').trim();
  const notify = String(form.staff_notice_emails ?? '').split(/[\s,;]+/).filter((e) => e !== '');
  return {
    embedOrigins: origins, askPhone: form.ask_phone === 'on', askAddress: form.ask_address === 'on', askNote: form.ask_note === 'on',
    retentionYears: /^\d+$/.test(years) ? Number(years) : years,
    staffNoticeEmails: notify, staffNoticeMode: String(form.staff_notice_mode ?? 'single'),
  };
}

/** Zod paths (embedOrigins.1) as the names of the form's fields, so a message sits beside its field. */
const FIELD_NAMES: Record<string, string> = {
  embedOrigins: 'embed_origins', retentionYears: 'retention_years', staffNoticeEmails: 'staff_notice_emails', staffNoticeMode: 'staff_notice_mode', askPhone: 'ask_phone', askAddress: 'ask_address', askNote: 'ask_note',
};

export function adminOrganizationPages(deps: StaffDeps): Router {
  const router = Router();

  const show = (settings: OrganizationSettings, canWrite: boolean, extra: Record<string, unknown> = {}) => ({
    settings, canWrite, originsText: settings.embedOrigins.join('\n'), ...extra,
  });

  router.get('/admin/organizations', staffPage(deps, async (_req, res, page) => {
    const data = await organizationListData(deps.organizations, page.principal);
    if (page.principal.role === 'staff' && data.organizations[0]) {
      res.redirect(303, `/admin/organizations/${data.organizations[0].organization}`);
      return;
    }
    page.render('organizations', 'Organizations', data);
  }));

  router.get('/admin/organizations/:organization', staffPage(deps, async (req, _res, page) => {
    const { organization } = parseOr422(organizationParams, req.params);
    const settings = await deps.organizations.readOrganizationSettings(page.principal, organization);
    page.render('organization', settings.name, show(settings, page.principal.role !== 'sponsor', {
      saved: req.query.done === 'saved', created: req.query.done === 'created', ...(await identityData(deps.organizations, page.principal, organization)),
    }));
  }));

  router.post('/admin/organizations/:organization', staffPage(deps, async (req, res, page) => {
    const { organization } = parseOr422(organizationParams, req.params);
    const settings = await deps.organizations.readOrganizationSettings(page.principal, organization);
    if (page.principal.role === 'sponsor') throw new AppError(403, 'forbidden', 'The sponsor role reads and exports; it changes nothing');
    const raw = settingsFromForm(req.body as Record<string, unknown>);
    const parsed = organizationSettingsPatchSchema.safeParse(raw);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => {
        const [field, index] = issue.path;
        const value = typeof index === 'number' ? ` (${raw.embedOrigins[index] ?? ''})` : '';
        return { field: FIELD_NAMES[String(field)] ?? String(field), message: `${issue.message}${value}` };
      });
      page.render('organization', settings.name, show(settings, true, {
        ...(await identityData(deps.organizations, page.principal, organization)),
        errors, originsText: String(req.body.embed_origins ?? ''),
        originsError: errors.find((e) => e.field === 'embed_origins')?.message,
        retentionError: errors.find((e) => e.field === 'retention_years')?.message,
        retentionText: String(req.body.retention_years ?? ''),
      }), 422);
      return;
    }
    await deps.organizations.updateOrganizationSettings(page.principal, organization, parsed.data);
    res.redirect(303, `/admin/organizations/${organization}?done=saved`);
  }));

  return router;
}

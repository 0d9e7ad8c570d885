import { Router } from 'express';
import { AppError } from '../lib/errors';
import { parseOr422 } from '../lib/validation';
import { publicStaffPage } from '../staff/admin-page-kit';
import { errorList, formErrors } from '../staff/form-errors';
import { secureCookies, SESSION_COOKIE } from '../staff/session-resolver';
import type { StaffDeps } from '../staff/staff-context';
import { setupSchema } from './setup-schemas';

const NAMES: Record<string, string> = {
  'sponsor.legalName': 'sponsor_legal_name', 'sponsor.ein': 'sponsor_ein', 'sponsor.address': 'sponsor_address',
  'sponsor.contactEmail': 'sponsor_email', 'sponsor.receiptStatement.en': 'receipt_en', 'sponsor.receiptStatement.es': 'receipt_es',
  'organization.name': 'org_name', 'organization.slug': 'org_slug', 'organization.timeZone': 'org_time_zone',
  'admin.email': 'admin_email', 'admin.password': 'password',
};
const LABELS: Record<string, string> = {
  sponsor_legal_name: 'Legal name', sponsor_ein: 'EIN', sponsor_address: 'Postal address', sponsor_email: 'Contact email',
  receipt_en: 'Receipt statement (English)', receipt_es: 'Receipt statement (Spanish)', org_name: 'Organization name',
  org_slug: 'Organization slug', org_time_zone: 'Time zone', admin_email: 'Your email', password: 'Password',
};

const str = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? String(form[name]) : '');

/** The first run: the sponsor, the first organization and the first admin, behind a one-time link. */
export function setupPages(deps: StaffDeps): Router {
  const router = Router();
  const cookie = { httpOnly: true, sameSite: 'lax' as const, secure: secureCookies(deps), path: '/', maxAge: deps.sessionPolicy.absoluteMs };

  router.get('/admin/setup', publicStaffPage(deps, async (req, _res, render) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (!(await deps.setup.setupLinkIsValid(token))) {
      render('setup', 'Set up Colecta', { expired: true }, 410);
      return;
    }
    render('setup', 'Set up Colecta', { token, values: { org_time_zone: 'America/Los_Angeles' } });
  }));

  router.post('/admin/setup', publicStaffPage(deps, async (req, res, render) => {
    const form = req.body as Record<string, unknown>;
    const token = str(form, 'token');
    const values = Object.fromEntries(Object.keys(LABELS).filter((k) => k !== 'password').map((k) => [k, str(form, k)]));
    try {
      if (str(form, 'password') !== str(form, 'confirm')) throw AppError.invalid([{ field: 'admin.password', message: 'the two passwords differ' }]);
      const input = parseOr422(setupSchema, {
        sponsor: {
          legalName: values.sponsor_legal_name, ein: values.sponsor_ein, address: values.sponsor_address, contactEmail: values.sponsor_email,
          receiptStatement: { en: values.receipt_en, es: values.receipt_es },
        },
        organization: { name: values.org_name, slug: values.org_slug, timeZone: values.org_time_zone },
        admin: { email: values.admin_email, password: str(form, 'password') },
      });
      const result = await deps.setup.completeSetup(deps.publicUrl, input, { token, actor: 'first run' });
      res.cookie(SESSION_COOKIE, await deps.auth.startSession(deps.sessionSecret, result.adminId, deps.sessionPolicy), cookie);
      res.redirect(303, `/admin/campaigns/new?organization=${encodeURIComponent(result.organizationSlug)}&first=1`);
    } catch (error) {
      if (error instanceof AppError && error.status === 410) {
        render('setup', 'Set up Colecta', { expired: true }, 410);
        return;
      }
      const errors = formErrors(error, NAMES);
      if (!errors) throw error;
      render('setup', 'Set up Colecta', { token, values, errors, errorList: errorList(errors, LABELS) }, (error as AppError).status);
    }
  }));
  return router;
}

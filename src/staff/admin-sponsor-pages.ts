import { Router } from 'express';
import { parseOr422 } from '../lib/validation';
import { sponsorPatchSchema, type Sponsor } from '../sponsor/sponsor-schemas';
import { staffPage } from './admin-page-kit';
import { errorList, formErrors } from './form-errors';
import type { StaffDeps } from './staff-context';

const NAMES: Record<string, string> = {
  legalName: 'legal_name', ein: 'ein', address: 'address', contactEmail: 'contact_email',
  'receiptStatement.en': 'receipt_en', 'receiptStatement.es': 'receipt_es',
};
const LABELS: Record<string, string> = {
  legal_name: 'Legal name', ein: 'EIN', address: 'Postal address', contact_email: 'Contact email',
  receipt_en: 'Receipt statement (English)', receipt_es: 'Receipt statement (Spanish)',
};

const valuesOf = (s: Sponsor) => ({
  legal_name: s.legalName, ein: s.ein, address: s.address, contact_email: s.contactEmail, receipt_en: s.receiptStatement.en, receipt_es: s.receiptStatement.es,
});

/** /admin/sponsor: every signed-in role reads the sponsor printed on receipts; an admin changes it. */
export function adminSponsorPages(deps: StaffDeps): Router {
  const router = Router();

  router.get('/admin/sponsor', staffPage(deps, async (req, _res, page) => {
    const sponsor = await deps.sponsor.readSponsor();
    page.render('sponsor', 'Fiscal sponsor', {
      sponsor, values: valuesOf(sponsor), canEdit: page.principal.role === 'admin', saved: req.query.done === 'saved',
    });
  }));

  router.post('/admin/sponsor', staffPage(deps, async (req, res, page) => {
    const form = req.body as Record<string, unknown>;
    const values = Object.fromEntries(Object.keys(LABELS).map((k) => [k, typeof form[k] === 'string' ? String(form[k]) : '']));
    try {
      const patch = parseOr422(sponsorPatchSchema, {
        legalName: values.legal_name, ein: values.ein, address: values.address, contactEmail: values.contact_email,
        receiptStatement: { en: values.receipt_en, es: values.receipt_es },
      });
      await deps.sponsor.updateSponsor(page.principal, patch);
      res.redirect(303, '/admin/sponsor?done=saved');
    } catch (error) {
      const errors = formErrors(error, NAMES);
      if (!errors) throw error;
      page.render('sponsor', 'Fiscal sponsor', {
        sponsor: await deps.sponsor.readSponsor(), values, errors, errorList: errorList(errors, LABELS), canEdit: true,
      }, 422);
    }
  }));
  return router;
}

import { Router } from 'express';
import { donationExportRequestSchema } from '../exports/donation-export-service';
import { payoutIdSchema } from '../exports/payout-export-service';
import { parseOr422 } from '../lib/validation';
import { staffPage } from './admin-page-kit';
import type { StaffDeps } from './staff-context';

export const DONATIONS_CSV = '/api/admin/exports/donations.csv';
export const PAYOUTS_CSV = '/api/admin/exports/payouts.csv';

/** The query of the donation export, with only the fields the form filled in (an empty select is not a filter). */
export function donationExportQuery(form: Record<string, unknown>): string {
  const filled = Object.fromEntries(Object.entries(form)
    .filter(([k, v]) => ['from', 'to', 'organization', 'campaign', 'bom'].includes(k) && typeof v === 'string' && v !== '')) as Record<string, string>;
  const request = parseOr422(donationExportRequestSchema, filled);
  const query = new URLSearchParams({ from: request.from, to: request.to });
  if (request.organization) query.set('organization', request.organization);
  if (request.campaign) query.set('campaign', request.campaign);
  if (request.bom) query.set('bom', '1');
  return query.toString();
}

function monthStart(now: Date): string {
  return `${now.toISOString().slice(0, 7)}-01`;
}

/** The sponsor's exports: every role downloads the donations it may read; payouts are for admin and sponsor. */
export function adminExportPages(deps: StaffDeps): Router {
  const router = Router();

  router.get('/admin/exports', staffPage(deps, async (_req, _res, page) => {
    const { principal } = page;
    const seesEverything = principal.role !== 'staff';
    const organizations = seesEverything ? await deps.organizations.choices() : [];
    const campaigns = (await deps.campaigns.listCampaigns(principal)).map((c) => ({ slug: c.slug, title: c.title.en }));
    const now = new Date();
    page.render('exports', 'Exports', {
      action: '/admin/exports/donations', organizations, campaigns, seesEverything,
      from: monthStart(now), to: now.toISOString().slice(0, 10),
      payouts: seesEverything ? (await deps.exports.payoutSummaries({})).reverse() : [],
      payoutsCsv: PAYOUTS_CSV,
    });
  }));

  // A GET form cannot leave out its empty fields without a script: this answers with the export's own address.
  router.get('/admin/exports/donations', staffPage(deps, async (req, res) => {
    res.redirect(303, `${DONATIONS_CSV}?${donationExportQuery(req.query)}`);
  }));

  router.get('/admin/payouts/:id', staffPage(deps, async (req, _res, page) => {
    const { id } = parseOr422(payoutIdSchema, req.params);
    const detail = await deps.exports.payoutDetail(page.principal, id);
    page.render('payout', `Payout ${id}`, { ...detail, csv: `${PAYOUTS_CSV}?${new URLSearchParams({ from: detail.payout.arrivalDate, to: detail.payout.arrivalDate })}` });
  }));

  return router;
}


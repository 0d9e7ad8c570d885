import { Router, type Request } from 'express';
import { createCampaignSchema, updateCampaignSchema } from '../campaigns/campaign-admin-schemas';
import { publicView } from '../campaigns/campaign-admin-service';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { parseOr422 } from '../lib/validation';
import { staffPage, type PageContext } from './admin-page-kit';
import { campaignBodyFromForm, formValues } from './campaign-form';
import { moneyBarChart } from './chart-svg';
import { useFormErrors, useFormValues, useInputFromForm, type UseFormValues } from './earmark-use-form';
import type { StaffDeps } from './staff-context';

const percent = (raised: number, goal: number | null) => (goal && goal > 0 ? Math.min(100, Math.floor((Math.max(raised, 0) * 100) / goal)) : null);

export function adminCampaignPages(deps: StaffDeps): Router {
  const router = Router();

  async function organizations(page: PageContext) {
    if (page.principal.role !== 'admin') return [];
    return deps.organizations.choices();
  }

  async function renderForm(page: PageContext, req: Request, mode: 'new' | 'edit', slug: string | null, error: AppError | null) {
    const campaign = slug ? publicView(await deps.campaigns.readCampaign(page.principal, slug)) : null;
    const values = formValues(campaign);
    if (error) {
      // Show what was typed, not what is stored, beside the messages.
      const form = req.body as Record<string, string>;
      Object.assign(values, {
        slug: form.slug ?? values.slug, titleEn: form.title_en ?? '', titleEs: form.title_es ?? '',
        descriptionEn: form.description_en ?? '', descriptionEs: form.description_es ?? '', goal: form.goal ?? '',
        startsOn: form.starts_on ?? '', endsOn: form.ends_on ?? '', status: form.status ?? 'draft',
        presetAmounts: form.preset_amounts ?? '', monthlyEnabled: form.monthly_enabled === 'on',
      });
    }
    page.render('campaign-form', mode === 'new' ? 'New campaign' : `Edit ${slug}`, {
      mode, isNew: mode === 'new', values, organizations: await organizations(page),
      statuses: ['draft', 'active', 'closed'].map((s) => ({ value: s, selected: s === values.status })),
      error: error?.message ?? null, fields: error?.fields ?? [],
    }, error ? error.status : 200);
  }

  router.get('/admin/campaigns', staffPage(deps, async (_req, _res, page) => {
    const campaigns = await deps.campaigns.listCampaigns(page.principal);
    page.render('campaigns', 'Campaigns', { campaigns, canCreate: page.principal.role !== 'sponsor' });
  }));

  router.get('/admin/campaigns/new', staffPage(deps, async (req, _res, page) => renderForm(page, req, 'new', null, null)));

  router.post('/admin/campaigns', staffPage(deps, async (req, res, page) => {
    try {
      const body = campaignBodyFromForm(req.body, String(req.body.currency || 'usd').toLowerCase());
      const created = await deps.campaigns.createCampaign(page.principal, parseOr422(createCampaignSchema, body));
      res.redirect(303, `/admin/campaigns/${created.slug}?done=campaign-saved`);
    } catch (error) {
      if (error instanceof AppError && (error.status === 422 || error.status === 409)) return renderForm(page, req, 'new', null, error);
      throw error;
    }
  }));

  router.get('/admin/campaigns/:campaign/edit', staffPage(deps, async (req, _res, page) =>
    renderForm(page, req, 'edit', String(req.params.campaign), null)));

  router.post('/admin/campaigns/:campaign', staffPage(deps, async (req, res, page) => {
    const slug = String(req.params.campaign);
    const current = await deps.campaigns.readCampaign(page.principal, slug);
    try {
      const { slug: _s, organization: _o, currency: _c, ...body } = campaignBodyFromForm(req.body, current.currency);
      await deps.campaigns.updateCampaign(page.principal, slug, parseOr422(updateCampaignSchema, body));
      res.redirect(303, `/admin/campaigns/${slug}?done=campaign-saved`);
    } catch (error) {
      if (error instanceof AppError && error.status === 422) return renderForm(page, req, 'edit', slug, error);
      throw error;
    }
  }));

  router.get('/admin/campaigns/:campaign/monthly', staffPage(deps, async (req, _res, page) => {
    const campaign = await deps.campaigns.readCampaign(page.principal, String(req.params.campaign));
    const { state } = parseOr422(z.object({ state: z.enum(['active', 'failing', 'ended']).optional() }), req.query);
    const rows = await deps.campaigns.monthlySupporters(campaign.id, state ?? null);
    page.render('monthly', `Monthly supporters: ${campaign.title.en}`, {
      campaign, rows, states: ['active', 'failing', 'ended'].map((s) => ({ value: s, current: s === state })),
    });
  }));

  async function showCampaign(page: PageContext, slug: string, usesForm: { values?: UseFormValues; errors?: object; errorList?: object[] } = {}, status = 200) {
    const campaign = await deps.campaigns.readCampaign(page.principal, slug);
    const totals = await deps.ledger.campaignTotals(campaign);
    const latest = await deps.ledger.searchLedger(campaign.organizationId, { campaign: campaign.slug, limit: 10 });
    const embed = `<script src="${deps.publicUrl}/embed.js" data-campaign="${campaign.slug}"></script>`;
    const picked = usesForm.values?.use_earmark ?? '';
    page.render('campaign', campaign.title.en, {
      campaign, totals, latest: latest.data,
      overallPercent: percent(totals.raised, totals.goal),
      earmarks: totals.earmarks.map((e) => ({ ...e, percent: percent(e.raised, e.goal) })),
      chart: moneyBarChart(totals.months.map((m) => ({ label: m.month, amount: m.raised })), campaign.currency),
      embed, previewUrl: `${deps.publicUrl}/donate/${campaign.slug}`,
      canEdit: page.principal.role !== 'sponsor',
      uses: await deps.earmarkUses.listCampaignUses(campaign.id),
      useEarmarks: campaign.earmarks.map((e) => ({ code: e.code, label: e.label.en, selected: e.code === picked })),
      useForm: usesForm,
    }, status);
  }

  router.get('/admin/campaigns/:campaign', staffPage(deps, async (req, _res, page) => showCampaign(page, String(req.params.campaign))));

  router.post('/admin/campaigns/:campaign/uses', staffPage(deps, async (req, res, page) => {
    const slug = String(req.params.campaign);
    const campaign = await deps.campaigns.readCampaign(page.principal, slug);
    const values = useFormValues(req.body);
    try {
      const input = useInputFromForm(values, campaign.currency);
      if (!campaign.earmarks.some((e) => e.code === values.use_earmark)) throw AppError.invalid([{ field: 'earmark', message: 'pick one of the campaign\'s earmarks' }]);
      await deps.earmarkUses.recordEarmarkUse(page.principal, slug, values.use_earmark, input);
      res.redirect(303, `/admin/campaigns/${slug}?done=use-recorded#uses`);
    } catch (error) {
      const form = useFormErrors(error);
      if (!form) throw error;
      return showCampaign(page, slug, { values, ...form }, 422);
    }
  }));

  router.post('/admin/campaigns/:campaign/uses/:earmark/:id/remove', staffPage(deps, async (req, res, page) => {
    const { campaign, earmark, id } = parseOr422(z.object({
      campaign: z.string(), earmark: z.string(), id: z.uuid(),
    }), req.params);
    await deps.earmarkUses.removeEarmarkUse(page.principal, campaign, earmark, id);
    res.redirect(303, `/admin/campaigns/${campaign}?done=use-removed#uses`);
  }));

  return router;
}

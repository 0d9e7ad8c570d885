import { Router } from 'express';
import { campaignUpdateBodySchema } from '../campaigns/campaign-update-api';
import { parseOr422 } from '../lib/validation';
import { staffPage } from './admin-page-kit';
import { assertCanWrite } from './principal';
import type { StaffDeps } from './staff-context';

const LANGUAGES = ['en', 'es'] as const;

/** The form's four fields as the update the service takes; an empty language borrows the other. */
export function updateFromForm(form: Record<string, unknown>) {
  const filled = (name: string) => {
    const v = typeof form[name] === 'string' ? (form[name] as string).trim() : '';
    return v === '' ? undefined : v;
  };
  return parseOr422(campaignUpdateBodySchema, {
    title: { en: filled('title_en'), es: filled('title_es') },
    body: { en: filled('body_en'), es: filled('body_es') },
  });
}

const paragraphs = (text: string) => text.split(/\r?\n\s*\r?\n/).map((p) => p.trim()).filter((p) => p !== '');

/** Write, preview, post: an update goes out only from the preview's button. */
export function adminUpdatePages(deps: StaffDeps): Router {
  const router = Router();

  async function writable(page: { principal: Parameters<typeof assertCanWrite>[0] }, slug: string) {
    const campaign = await deps.campaigns.readCampaign(page.principal, slug);
    assertCanWrite(page.principal, campaign.organizationId);
    return campaign;
  }

  router.get('/admin/campaigns/:campaign/updates', staffPage(deps, async (req, _res, page) => {
    const campaign = await deps.campaigns.readCampaign(page.principal, String(req.params.campaign));
    const updates = await deps.updates.listCampaignUpdates(campaign.id);
    const posted = typeof req.query.posted === 'string' ? updates.find((u) => u.id === req.query.posted) ?? null : null;
    page.render('updates', `Updates: ${campaign.title.en}`, {
      campaign, updates, posted, canPost: page.principal.role !== 'sponsor', values: {},
      audience: await deps.updates.countUpdateAudience(campaign.id),
    });
  }));

  router.post('/admin/campaigns/:campaign/updates/preview', staffPage(deps, async (req, _res, page) => {
    const campaign = await writable(page, String(req.params.campaign));
    const form = req.body as Record<string, string>;
    const values = { title_en: form.title_en ?? '', title_es: form.title_es ?? '', body_en: form.body_en ?? '', body_es: form.body_es ?? '' };
    let update;
    try {
      update = updateFromForm(form);
    } catch (error) {
      const fields = (error as { fields?: unknown }).fields ?? [];
      page.render('updates', `Updates: ${campaign.title.en}`, {
        campaign, updates: await deps.updates.listCampaignUpdates(campaign.id), canPost: true, values, fields,
        audience: await deps.updates.countUpdateAudience(campaign.id),
      }, 422);
      return;
    }
    const pick = (v: { en?: string | undefined; es?: string | undefined }, l: 'en' | 'es') => (v[l] ?? (l === 'en' ? v.es : v.en)) ?? '';
    page.render('update-preview', `Preview: ${campaign.title.en}`, {
      campaign, values, audience: await deps.updates.countUpdateAudience(campaign.id),
      versions: LANGUAGES.map((l) => ({
        language: l === 'en' ? 'English' : 'Español', title: pick(update.title, l), paragraphs: paragraphs(pick(update.body, l)),
        borrowed: update.title[l] === undefined || update.body[l] === undefined,
      })),
    });
  }));

  router.post('/admin/campaigns/:campaign/updates', staffPage(deps, async (req, res, page) => {
    const campaign = await writable(page, String(req.params.campaign));
    const posted = await deps.updates.postCampaignUpdate(page.principal, campaign.slug, updateFromForm(req.body as Record<string, unknown>));
    res.redirect(303, `/admin/campaigns/${campaign.slug}/updates?posted=${posted.id}`);
  }));

  return router;
}

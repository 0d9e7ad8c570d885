import { Router } from 'express';
import { z } from 'zod';
import type { DonationFormService } from '../donate/form-service';
import { useLines } from '../earmarks/earmark-use-display';
import { pickLocale, translate, type Locale } from '../lib/i18n';
import { formatMoney } from '../lib/money';
import { parseOr422 } from '../lib/validation';
import { renderPage } from '../views/render';
import { allowFraming } from '../web/security-headers';
import { WidgetCache, type CachedPage } from './widget-cache';

const paramsSchema = z.object({ campaign: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a campaign slug') });

export interface WidgetDeps {
  readonly forms: DonationFormService;
  /** How long a rendered widget is reused; a few seconds. */
  readonly ttlMs?: number;
}

async function renderWidget(forms: DonationFormService, slug: string, locale: Locale): Promise<Omit<CachedPage, 'etag'>> {
  const { campaign, settings, progress } = await forms.loadFormContext(slug, locale);
  const money = (amount: number) => formatMoney(amount, progress.currency, locale);
  const bar = (label: string, raised: number, goal: number | null) => ({
    label, raised, goal,
    text: goal ? translate(locale, 'widget.raised', { raised: money(raised), goal: money(goal) })
      : translate(locale, 'widget.raisedNoGoal', { raised: money(raised) }),
  });
  const html = renderPage('widget', {
    locale,
    title: translate(locale, 'widget.title', { campaign: campaign.title[locale] }),
    embed: true,
    overall: bar(campaign.title[locale], progress.raised, progress.goal),
    supporters: translate(locale, progress.supporters === 1 ? 'widget.supportersOne' : 'widget.supporters', { count: progress.supporters }),
    earmarks: progress.earmarks.map((e) => ({ ...bar(e.label, e.raised, e.goal), uses: useLines(e.uses, progress.currency, locale) })),
    donateHref: `/donate/${campaign.slug}?lang=${locale}`,
  });
  return { html, frameOrigins: settings.embedOrigins };
}

/** `GET /campaigns/:campaign/widget`: a progress bar to frame anywhere the organization allows. Totals only, never names. */
export function widgetRoutes(deps: WidgetDeps): Router {
  const router = Router();
  const cache = new WidgetCache(deps.ttlMs ?? 5000);
  router.get('/campaigns/:campaign/widget', async (req, res) => {
    const { campaign } = parseOr422(paramsSchema, req.params);
    const locale = pickLocale(req.query.lang, (...langs) => req.acceptsLanguages(...langs));
    const page = await cache.get(`${campaign}|${locale}`, () => renderWidget(deps.forms, campaign, locale));
    allowFraming(res, page.frameOrigins);
    res.set({ ETag: page.etag, 'Cache-Control': 'public, max-age=5', Vary: 'Accept-Language' });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.status(200).type('html').send(page.html);
  });
  return router;
}

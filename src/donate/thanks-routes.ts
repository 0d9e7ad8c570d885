import { Router } from 'express';
import { z } from 'zod';
import { pickLocale, translate } from '../lib/i18n';
import { formatMoney } from '../lib/money';
import { parseOr422 } from '../lib/validation';
import { sendPage } from '../web/send-page';
import { scheduleInWords } from './schedule';
import type { ThanksService } from './thanks-service';

const paramsSchema = z.object({ campaign: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a campaign slug') });
const querySchema = z.object({
  session_id: z.string().regex(/^cs_[A-Za-z0-9_]{1,250}$/, 'must be a checkout session id').optional().catch(undefined),
  lang: z.string().max(5).optional(),
});

/** `GET /donate/:campaign/thanks?session_id=…`: what was given and to what; nothing about who. */
export function thanksRoutes(deps: { thanks: ThanksService }): Router {
  const router = Router();
  router.get('/donate/:campaign/thanks', async (req, res) => {
    const { campaign } = parseOr422(paramsSchema, req.params);
    const query = parseOr422(querySchema, req.query);
    const gift = query.session_id ? await deps.thanks.findGiftForSession(campaign, query.session_id) : null;
    // Stripe returns the supporter without ?lang=, so the form's own language is kept on the gift.
    const locale = pickLocale(query.lang ?? gift?.locale, (...langs) => req.acceptsLanguages(...langs));
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    const backHref = `/donate/${campaign}?lang=${locale}`;
    if (!gift) {
      sendPage(res, 404, 'thanks', { locale, title: translate(locale, 'thanks.title'), notFound: true, backHref });
      return;
    }
    const amount = formatMoney(gift.chargeAmount, gift.currency, locale);
    const vars = { amount, campaign: gift.campaignTitle[locale], earmark: gift.earmarkLabel[locale] };
    const monthly = gift.frequency === 'monthly';
    sendPage(res, 200, 'thanks', {
      locale,
      title: translate(locale, 'thanks.title'),
      given: translate(locale, monthly ? 'thanks.monthly' : 'thanks.once', vars),
      schedule: monthly ? scheduleInWords(locale, {
        frequency: 'monthly', installments: gift.installments, charge: gift.chargeAmount, currency: gift.currency, start: gift.startedAt,
      }) : '',
      monthly,
      status: translate(locale, gift.paymentsRecorded > 0 ? 'thanks.recorded' : 'thanks.pending'),
      manageHref: `/manage?lang=${locale}`,
      backHref,
    });
  });
  return router;
}

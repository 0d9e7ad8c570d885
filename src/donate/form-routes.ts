import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { RateLimitedError } from '../checkout/checkout-rate-limit';
import { formatTime, pickLocale, translate, type Locale } from '../lib/i18n';
import { fromDecimalString, toDecimalString } from '../lib/money';
import { parseOr422 } from '../lib/validation';
import { sendPage } from '../web/send-page';
import { EMPTY_FORM, formBodySchema, type FormValues } from './form-input';
import type { DonationFormService, FormContext } from './form-service';
import { buildFormModel, type FieldErrors } from './form-view-model';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a campaign slug');
const paramsSchema = z.object({ campaign: slug });
// A bad preselection in a link is ignored rather than refused: the form is still worth showing.
const querySchema = z.object({
  lang: z.string().max(5).optional().catch(undefined),
  earmark: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/).optional().catch(undefined),
  amount: z.string().regex(/^\d{1,9}([.,]\d{1,3})?$/).optional().catch(undefined),
  frequency: z.enum(['once', 'monthly']).optional().catch(undefined),
  embed: z.literal('1').optional().catch(undefined),
});

export interface FormRouteDeps {
  readonly forms: DonationFormService;
  /** The checkout rate limits, shared with the JSON API. */
  readonly limits: readonly RequestHandler[];
}

function preselected(ctx: FormContext, query: z.infer<typeof querySchema>): FormValues {
  const { currency, presetAmounts } = ctx.campaign;
  const minor = query.amount ? fromDecimalString(query.amount, currency) : null;
  const preset = minor !== null && presetAmounts.includes(minor);
  return {
    ...EMPTY_FORM,
    earmark: query.earmark ?? '',
    frequency: query.frequency ?? 'once',
    amount: minor === null ? '' : preset ? toDecimalString(minor, currency) : 'other',
    otherAmount: minor !== null && !preset ? toDecimalString(minor, currency) : '',
  };
}

interface Answer {
  readonly status: number;
  readonly values: FormValues;
  readonly errors: FieldErrors;
  readonly formError?: string;
}

function answer(req: Request, res: Response, ctx: FormContext, locale: Locale, a: Answer, embed = false): void {
  if (req.accepts(['html', 'json']) === 'json') {
    res.status(a.status).json({ errors: a.errors, ...(a.formError ? { formError: a.formError } : {}) });
    return;
  }
  const model = buildFormModel({ ...ctx, locale, values: a.values, errors: a.errors, formError: a.formError, embed, now: new Date() });
  sendPage(res, a.status, 'donate-form', model, ctx.settings.embedOrigins);
}

/** `GET /donate/:campaign`, the form, and its plain HTML post, answered 303 to Checkout or the form again. */
export function formRoutes(deps: FormRouteDeps): Router {
  const router = Router();
  const localeOf = (req: Request) => pickLocale(req.query.lang, (...langs) => req.acceptsLanguages(...langs));

  router.get('/donate/:campaign', async (req, res) => {
    const { campaign } = parseOr422(paramsSchema, req.params);
    const query = querySchema.parse(req.query);
    const locale = localeOf(req);
    const ctx = await deps.forms.loadFormContext(campaign, locale);
    res.set('Cache-Control', 'no-store');
    answer(req, res, ctx, locale, {
      status: 200, values: preselected(ctx, query), errors: {}, ...(ctx.open ? {} : { formError: translate(locale, 'form.closed') }),
    }, query.embed === '1');
  });

  // Too many checkouts: the form again, saying in the supporter's language and time zone when to retry.
  const rateLimited: ErrorRequestHandler = async (error, req, res, next) => {
    if (!(error instanceof RateLimitedError)) return next(error);
    try {
      const locale = localeOf(req);
      const ctx = await deps.forms.loadFormContext(parseOr422(paramsSchema, req.params).campaign, locale);
      const values = formBodySchema.safeParse(req.body);
      const formError = translate(locale, 'errors.rateLimited', { time: formatTime(error.retryAt, locale, ctx.settings.timeZone) });
      answer(req, res, ctx, locale, { status: 429, values: values.success ? { ...values.data, website: '' } : EMPTY_FORM, errors: {}, formError });
    } catch (failure) {
      next(failure);
    }
  };

  const formPost = '/donate/:campaign';
  router.post(formPost, express.urlencoded({ extended: false, limit: '16kb' }), ...deps.limits, async (req: Request, res: Response) => {
    const { campaign } = parseOr422(paramsSchema, req.params);
    const values = parseOr422(formBodySchema, req.body ?? {});
    const locale = localeOf(req);
    const ctx = await deps.forms.loadFormContext(campaign, locale);
    const outcome = await deps.forms.submitDonationForm(ctx, locale, values);
    if (outcome.kind === 'checkout') {
      if (req.accepts(['html', 'json']) === 'json') res.status(201).json({ url: outcome.url });
      else res.redirect(303, outcome.url);
      return;
    }
    answer(req, res, ctx, locale, { status: 422, values: { ...values, website: '' }, errors: outcome.errors, formError: outcome.formError });
  }, rateLimited);

  return router;
}

import type { Knex } from 'knex';
import { findCampaignBySlug } from '../campaigns/campaign-repository';
import { isOpen, type Campaign } from '../campaigns/campaign-types';
import { checkoutRequestSchema } from '../checkout/checkout-schemas';
import { startCheckout, type CheckoutDeps } from '../checkout/checkout-service';
import { translate, type Locale } from '../lib/i18n';
import { AppError } from '../lib/errors';
import { formatMoney } from '../lib/money';
import { parseOr422 } from '../lib/validation';
import { campaignProgress, type CampaignProgress } from '../ledger/progress-service';
import { formFieldFor, toCheckoutBody, type FormValues } from './form-input';
import { findFormSettings, type FormSettings } from './form-settings-repository';
import type { FieldErrors } from './form-view-model';

export interface FormContext {
  readonly campaign: Campaign;
  readonly settings: FormSettings;
  readonly progress: CampaignProgress;
  readonly open: boolean;
}

/** Everything the form shows: the campaign, its organization's settings and its progress. */
export async function loadFormContext(db: Knex, slug: string, locale: Locale, now = new Date()): Promise<FormContext> {
  const campaign = await findCampaignBySlug(db, slug);
  if (!campaign || campaign.status === 'draft') throw AppError.notFound('Campaign');
  const [settings, progress] = await Promise.all([findFormSettings(db, campaign.id), campaignProgress(db, slug, locale)]);
  if (!settings) throw AppError.notFound('Campaign');
  return { campaign, settings, progress, open: isOpen(campaign, now) && !settings.archived };
}

export type FormOutcome =
  | { readonly kind: 'checkout'; readonly url: string }
  | { readonly kind: 'invalid'; readonly errors: FieldErrors; readonly formError?: string };

function localizedErrors(ctx: FormContext, locale: Locale, error: AppError): FieldErrors {
  const { campaign } = ctx;
  const vars = {
    min: formatMoney(campaign.minAmount, campaign.currency, locale),
    max: formatMoney(campaign.maxAmount, campaign.currency, locale),
  };
  const errors: Partial<Record<keyof FormValues, string>> = {};
  for (const { field } of error.fields ?? []) {
    const name = formFieldFor(field);
    if (name && !errors[name]) errors[name] = translate(locale, `errors.${name}`, vars);
  }
  return errors;
}

/** The HTML form's post: the same checkout as the JSON API, with its refusals put in the supporter's words. */
export async function submitDonationForm(
  deps: CheckoutDeps, ctx: FormContext, locale: Locale, values: FormValues,
): Promise<FormOutcome> {
  if (values.website !== '') return { kind: 'invalid', errors: {}, formError: translate(locale, 'errors.honeypot') };
  try {
    const body = toCheckoutBody(ctx.campaign.slug, locale, values, ctx.campaign.currency, ctx.settings.ask);
    const session = await startCheckout(deps, parseOr422(checkoutRequestSchema, body));
    return { kind: 'checkout', url: session.url };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.status === 422) return { kind: 'invalid', errors: localizedErrors(ctx, locale, error) };
    if (error.code === 'earmark_not_found') return { kind: 'invalid', errors: { earmark: translate(locale, 'errors.earmark') } };
    if (error.code === 'campaign_not_found') return { kind: 'invalid', errors: {}, formError: translate(locale, 'form.closed') };
    if (error.status >= 500) return { kind: 'invalid', errors: {}, formError: translate(locale, 'errors.unavailable') };
    throw error;
  }
}

/** The donation form (and the widget, which shows the same campaign and progress). */
export interface DonationFormService {
  loadFormContext(slug: string, locale: Locale): Promise<FormContext>;
  submitDonationForm(ctx: FormContext, locale: Locale, values: FormValues): Promise<FormOutcome>;
}

export function createDonationFormService(deps: CheckoutDeps): DonationFormService {
  return {
    loadFormContext: (slug, locale) => loadFormContext(deps.db, slug, locale),
    submitDonationForm: (ctx, locale, values) => submitDonationForm(deps, ctx, locale, values),
  };
}

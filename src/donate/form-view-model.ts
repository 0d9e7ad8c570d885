import type { Campaign } from '../campaigns/campaign-types';
import { messages, translate, type Locale } from '../lib/i18n';
import type { CampaignProgress } from '../ledger/progress-service';
import { formatMoney, grossUpForFees, toDecimalString } from '../lib/money';
import type { PageData } from '../views/render';
import { amountFrom, type FormValues } from './form-input';
import type { FormSettings } from './form-settings-repository';
import { longDateUtc, scheduleInWords } from './schedule';
import { useLines } from '../earmarks/earmark-use-display';

export type FieldErrors = Readonly<Partial<Record<keyof FormValues, string>>>;

export interface FormModelInput {
  readonly campaign: Campaign;
  readonly settings: FormSettings;
  readonly progress: CampaignProgress;
  readonly locale: Locale;
  readonly values: FormValues;
  readonly errors: FieldErrors;
  /** A message about the whole form (rate limit, honeypot, payment page down). */
  readonly formError?: string;
  readonly embed: boolean;
  readonly now: Date;
}

interface TextField {
  name: keyof FormValues; label: string; value: string; error: string | undefined; required: boolean;
  type: string; autocomplete: string; maxlength: number; hint?: string;
}

function textField(input: FormModelInput, name: keyof FormValues, key: string, options: Partial<TextField> = {}): TextField {
  const value = input.values[name];
  return {
    name, label: translate(input.locale, key), value: typeof value === 'string' ? value : '', error: input.errors[name],
    required: false, type: 'text', autocomplete: 'off', maxlength: 200, ...options,
  };
}

/** The strings and numbers the form's script needs to check and total as the supporter types. */
function scriptConfig(input: FormModelInput) {
  const { campaign, locale } = input;
  const keys = Object.keys(messages('en')).filter((k) => /^(errors|schedule|form\.(total|coverFees|errorSummary))/.test(k));
  return JSON.stringify({
    locale, currency: campaign.currency, feeRule: campaign.feeRule, minAmount: campaign.minAmount, maxAmount: campaign.maxAmount,
    minText: formatMoney(campaign.minAmount, campaign.currency, locale),
    maxText: formatMoney(campaign.maxAmount, campaign.currency, locale),
    campaignEndText: campaign.endsAt ? longDateUtc(campaign.endsAt, locale) : null,
    messages: Object.fromEntries(keys.map((k) => [k, translate(locale, k)])),
  }).replace(/</g, '\\u003c');
}

/**
 * The ways a monthly gift may end, as radios: the campaign's end only when it has an end date,
 * its goal only when it has one. With nothing chosen, a typed number of payments picks "after N".
 */
function endingChoices(input: FormModelInput) {
  const { campaign, locale, values } = input;
  const picked = values.ends || (values.installments !== '' ? 'installments' : 'cancel');
  const choices = [
    { value: 'cancel', label: translate(locale, 'form.endsCancel') },
    { value: 'installments', label: translate(locale, 'form.endsInstallments') },
    ...(campaign.endsAt ? [{ value: 'campaign_end', label: translate(locale, 'form.endsCampaign', { date: longDateUtc(campaign.endsAt, locale) }) }] : []),
    ...(campaign.goal ? [{ value: 'goal_met', label: translate(locale, 'form.endsGoal', { goal: formatMoney(campaign.goal, campaign.currency, locale) }) }] : []),
  ];
  return choices.map((c, i) => ({ ...c, id: i === 0 ? 'f-ends' : `f-ends-${c.value}`, checked: c.value === picked }));
}

export function buildFormModel(input: FormModelInput): PageData {
  const { campaign, settings, progress, locale, values, errors } = input;
  const money = (amount: number) => formatMoney(amount, campaign.currency, locale);
  const presets = campaign.presetAmounts.map((amount) => toDecimalString(amount, campaign.currency));
  const picked = values.amount || (values.otherAmount ? 'other' : presets[1] ?? presets[0] ?? 'other');
  const amountValue = amountFrom({ ...values, amount: picked }, campaign.currency);
  const amount = typeof amountValue === 'number' && amountValue > 0 ? amountValue : null;
  const charge = amount === null ? null : input.values.coverFees ? grossUpForFees(amount, campaign.feeRule) : amount;
  const feeExtra = amount === null ? null : grossUpForFees(amount, campaign.feeRule) - amount;
  const monthly = campaign.monthlyEnabled && values.frequency === 'monthly';
  const installments = monthly && /^\d+$/.test(values.installments) ? Number(values.installments) : null;
  const errorList = Object.entries(errors).map(([field, message]) => ({ field, message }));
  const title = campaign.title[locale];
  const earmarkProgress = new Map(progress.earmarks.map((e) => [e.code, e]));
  const checkedEarmark = values.earmark || 'general';

  return {
    locale,
    title: translate(locale, 'form.title', { campaign: title }),
    embed: input.embed,
    scripts: ['/assets/donate.js'],
    campaignTitle: title,
    description: settings.description[locale],
    // Embedded, the form posts to the top window: Stripe Checkout refuses to be framed.
    action: `/donate/${campaign.slug}?lang=${locale}`,
    otherLangHref: `/donate/${campaign.slug}?lang=${locale === 'en' ? 'es' : 'en'}${input.embed ? '&embed=1' : ''}`,
    otherLang: locale === 'en' ? 'es' : 'en',
    embedTarget: input.embed ? '_top' : '_self',
    sponsorLine: translate(locale, 'form.sponsorLine', { sponsor: settings.sponsorLegalName, project: `${settings.organizationName} / ${title}` }),
    taxStatement: settings.taxStatement[locale] || translate(locale, 'form.taxStatement', { sponsor: settings.sponsorLegalName, ein: settings.sponsorEin }),
    currencyCode: campaign.currency.toUpperCase(),
    presets: presets.map((value, i) => ({
      value, label: money(campaign.presetAmounts[i] ?? 0), checked: picked === value, id: `amount-${i}`,
    })),
    otherChecked: picked === 'other' || (picked !== '' && !presets.includes(picked)),
    otherAmount: values.otherAmount || (picked !== 'other' && !presets.includes(picked) ? picked : ''),
    monthlyEnabled: campaign.monthlyEnabled,
    monthly,
    installments: values.installments,
    endings: endingChoices(input),
    schedule: charge === null ? '' : scheduleInWords(locale, {
      frequency: monthly ? 'monthly' : 'once', installments, charge, currency: campaign.currency, start: input.now,
      endsWith: values.ends === 'campaign_end' || values.ends === 'goal_met' ? values.ends : null, campaignEndsAt: campaign.endsAt,
    }),
    earmarks: campaign.earmarks.map((e) => {
      const p = earmarkProgress.get(e.code);
      const raised = p?.raised ?? 0;
      return {
        code: e.code, label: e.label[locale], checked: checkedEarmark === e.code, goal: e.goal, raised,
        progressText: e.goal ? translate(locale, 'form.earmarkProgress', { raised: money(raised), goal: money(e.goal) })
          : translate(locale, 'form.earmarkRaised', { raised: money(raised) }),
        uses: useLines(p?.uses ?? [], campaign.currency, locale),
      };
    }),
    coverFees: values.coverFees,
    coverFeesLabel: translate(locale, 'form.coverFees', { fee: feeExtra === null ? '…' : money(feeExtra) }),
    total: charge === null ? '' : translate(locale, monthly ? 'form.totalMonthly' : 'form.total', { total: money(charge) }),
    anonymous: values.anonymous,
    emailUpdates: values.emailUpdates,
    errors,
    errorList,
    errorSummary: errorList.length === 1 ? translate(locale, 'form.errorSummaryOne')
      : errorList.length > 1 ? translate(locale, 'form.errorSummary', { count: errorList.length }) : '',
    formError: input.formError,
    ask: settings.ask,
    fields: {
      firstName: textField(input, 'firstName', 'form.firstName', { required: true, autocomplete: 'given-name', maxlength: 100 }),
      lastName: textField(input, 'lastName', 'form.lastName', { required: true, autocomplete: 'family-name', maxlength: 100 }),
      email: textField(input, 'email', 'form.email', { required: true, type: 'email', autocomplete: 'email', maxlength: 254 }),
      phone: textField(input, 'phone', 'form.phone', { type: 'tel', autocomplete: 'tel', maxlength: 30 }),
      addressLine1: textField(input, 'addressLine1', 'form.addressLine1', { autocomplete: 'address-line1' }),
      addressLine2: textField(input, 'addressLine2', 'form.addressLine2', { autocomplete: 'address-line2' }),
      city: textField(input, 'city', 'form.city', { autocomplete: 'address-level2', maxlength: 100 }),
      region: textField(input, 'region', 'form.region', { autocomplete: 'address-level1', maxlength: 100 }),
      postalCode: textField(input, 'postalCode', 'form.postalCode', { autocomplete: 'postal-code', maxlength: 20 }),
      country: textField(input, 'country', 'form.country', { autocomplete: 'country', maxlength: 2 }),
    },
    note: { value: values.note, error: errors.note },
    config: scriptConfig(input),
  };
}

import type { CampaignView } from '../campaigns/campaign-admin-schemas';
import { fromDecimalString, toDecimalString } from '../lib/money';

type Form = Record<string, string | string[] | undefined>;

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const text = (value: string | string[] | undefined): string => (Array.isArray(value) ? value[0] ?? '' : value ?? '').trim();

/** Major units typed by a person -> minor units; a bad entry stays as text so zod names the field. */
function amount(value: string, currency: string): number | null | string {
  if (value === '') return null;
  return fromDecimalString(value, currency) ?? value;
}

/** The campaign form's fields as the JSON API's body, so both go through the same schema. */
export function campaignBodyFromForm(form: Form, currency: string): Record<string, unknown> {
  const codes = list(form.earmark_code);
  const labelsEn = list(form.earmark_label_en);
  const labelsEs = list(form.earmark_label_es);
  const goals = list(form.earmark_goal);
  const earmarks = codes.map((code, i) => ({ code: code.trim(), label: { en: (labelsEn[i] ?? '').trim(), es: (labelsEs[i] ?? '').trim() }, goal: amount((goals[i] ?? '').trim(), currency) }))
    .filter((e) => e.code !== '' || e.label.en !== '');
  const presets = text(form.preset_amounts).split(/[\s,;]+/).filter(Boolean).map((p) => amount(p, currency));
  const date = (v: string) => (v === '' ? null : v);
  return {
    ...(form.slug !== undefined ? { slug: text(form.slug) } : {}),
    ...(text(form.organization) ? { organization: text(form.organization) } : {}),
    ...(form.currency !== undefined ? { currency: text(form.currency).toLowerCase() || 'usd' } : {}),
    title: { en: text(form.title_en), es: text(form.title_es) },
    description: { en: text(form.description_en), es: text(form.description_es) },
    goal: amount(text(form.goal), currency),
    startsAt: date(text(form.starts_on)),
    endsAt: date(text(form.ends_on)),
    status: text(form.status) || 'draft',
    presetAmounts: presets,
    monthlyEnabled: text(form.monthly_enabled) === 'on',
    milestoneSteps: text(form.milestone_steps).split(/[\s,;%]+/).filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
    earmarks,
  };
}

const major = (minor: number | null, currency: string) => (minor == null ? '' : toDecimalString(minor, currency));

/** What the form shows for an existing campaign (or defaults), plus blank earmark rows to add more. */
export function formValues(campaign: CampaignView | null, blankRows = 3) {
  const currency = campaign?.currency ?? 'usd';
  const earmarks = (campaign?.earmarks ?? []).map((e) => ({ code: e.code, labelEn: e.label.en, labelEs: e.label.es, goal: major(e.goal, currency), existing: true }));
  for (let i = 0; i < blankRows; i += 1) earmarks.push({ code: '', labelEn: '', labelEs: '', goal: '', existing: false });
  return {
    slug: campaign?.slug ?? '',
    organization: campaign?.organization ?? '',
    currency,
    titleEn: campaign?.title.en ?? '', titleEs: campaign?.title.es ?? '',
    descriptionEn: campaign?.description.en ?? '', descriptionEs: campaign?.description.es ?? '',
    goal: major(campaign?.goal ?? null, currency),
    startsOn: campaign?.startsAt?.slice(0, 10) ?? '', endsOn: campaign?.endsAt?.slice(0, 10) ?? '',
    status: campaign?.status ?? 'draft',
    presetAmounts: (campaign?.presetAmounts ?? [1000, 2000, 3000]).map((p) => major(p, currency)).join(', '),
    monthlyEnabled: campaign?.monthlyEnabled ?? true,
    milestoneSteps: (campaign?.milestoneSteps ?? [25, 50, 75, 100]).join(', '),
    earmarks,
  };
}

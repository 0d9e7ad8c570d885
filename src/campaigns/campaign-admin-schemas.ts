import { z } from 'zod';

export const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes');
const minor = z.number().int('must be whole minor units (cents)').positive().max(1_000_000_000_00);
const bilingual = (max: number) => z.object({ en: z.string().trim().min(1, 'is required').max(max), es: z.string().trim().min(1, 'is required').max(max) });
const bilingualText = z.object({ en: z.string().max(20000).default(''), es: z.string().max(20000).default('') });
const moment = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date and time' }).or(z.iso.date()).nullable();

export const earmarkInputSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be lowercase letters, digits and underscores'),
  label: bilingual(120),
  goal: minor.nullable().default(null),
});

const campaignFields = {
  title: bilingual(200),
  description: bilingualText,
  goal: minor.nullable(),
  startsAt: moment,
  endsAt: moment,
  status: z.enum(['draft', 'active', 'closed']),
  presetAmounts: z.array(minor).min(1).max(6),
  monthlyEnabled: z.boolean(),
  milestoneSteps: z.array(z.number().int().min(1, 'must be 1 to 100').max(100, 'must be 1 to 100')).max(10)
    .refine((steps) => steps.every((s, i) => i === 0 || s > (steps[i - 1] as number)), 'must be rising percentages, e.g. 25, 50, 75, 100')
    .describe('Percentages of the goal at which supporters who opted in get a milestone email; empty for none'),
  earmarks: z.array(earmarkInputSchema).min(1).max(12)
    .refine((list) => new Set(list.map((e) => e.code)).size === list.length, 'earmark codes must differ'),
};

export const createCampaignSchema = z.object({
  slug: slugSchema,
  organization: slugSchema.optional().describe('The organization\'s slug; staff may leave it out (their own)'),
  currency: z.string().regex(/^[a-z]{3}$/, 'must be a three-letter currency code').default('usd'),
  ...campaignFields,
  description: bilingualText.default({ en: '', es: '' }),
  goal: campaignFields.goal.default(null),
  startsAt: moment.default(null),
  endsAt: moment.default(null),
  status: campaignFields.status.default('draft'),
  presetAmounts: campaignFields.presetAmounts.default([1000, 2000, 3000]),
  monthlyEnabled: z.boolean().default(true),
  milestoneSteps: campaignFields.milestoneSteps.default([25, 50, 75, 100]),
});

export const updateCampaignSchema = z.object({
  title: campaignFields.title.optional(),
  description: bilingualText.optional(),
  goal: campaignFields.goal.optional(),
  startsAt: moment.optional(),
  endsAt: moment.optional(),
  status: campaignFields.status.optional(),
  presetAmounts: campaignFields.presetAmounts.optional(),
  monthlyEnabled: z.boolean().optional(),
  milestoneSteps: campaignFields.milestoneSteps.optional(),
  earmarks: campaignFields.earmarks.optional().describe('Earmarks by code: listed ones are created or changed, others are left as they are'),
});

export type CreateCampaignInput = z.infer<typeof createCampaignSchema>;
export type UpdateCampaignInput = z.infer<typeof updateCampaignSchema>;
export type EarmarkInput = z.infer<typeof earmarkInputSchema>;

export const earmarkViewSchema = z.object({
  code: z.string(), label: z.object({ en: z.string(), es: z.string() }), goal: z.number().int().nullable(),
});

export const campaignViewSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  organization: z.string(),
  title: z.object({ en: z.string(), es: z.string() }),
  description: z.object({ en: z.string(), es: z.string() }),
  currency: z.string(),
  goal: z.number().int().nullable(),
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  status: z.enum(['draft', 'active', 'closed']),
  presetAmounts: z.array(z.number().int()),
  monthlyEnabled: z.boolean(),
  milestoneSteps: z.array(z.number().int()),
  earmarks: z.array(earmarkViewSchema),
});

export type CampaignView = z.infer<typeof campaignViewSchema>;

import { z } from 'zod';
import { route, type ApiRoute } from '../staff/api-route-table';
import type { CampaignUpdateService } from './campaign-update-service';

const paramsSchema = z.object({ campaign: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a campaign slug') });
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const perLanguage = (max: number) => z
  .object({ en: text(max).optional(), es: text(max).optional() })
  .refine((v) => v.en !== undefined || v.es !== undefined, 'needs English, Spanish or both');
export const campaignUpdateBodySchema = z.object({ title: perLanguage(200), body: perLanguage(20_000) });

/** Posting a progress update, in the one /api/admin route table. */
export function campaignUpdateApiRoutes(updates: CampaignUpdateService): ApiRoute[] {
  return [
    route({
      method: 'post', path: '/api/admin/campaigns/:campaign/updates', status: 201, params: paramsSchema, body: campaignUpdateBodySchema,
      summary: "Mail a progress update to the campaign's supporters who agreed to updates (English, Spanish or both)",
      handle: ({ principal, params, body }) => updates.postCampaignUpdate(principal, params.campaign, body),
    }),
  ];
}

import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { parseOr422 } from '../lib/validation';
import { bearerTokenResolver, principalOf, requirePrincipal, type PrincipalResolver } from '../staff/principal';
import { postCampaignUpdate } from './campaign-update-service';

const paramsSchema = z.object({ campaign: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a campaign slug') });
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const perLanguage = (max: number) => z
  .object({ en: text(max).optional(), es: text(max).optional() })
  .refine((v) => v.en !== undefined || v.es !== undefined, 'needs English, Spanish or both');
export const campaignUpdateBodySchema = z.object({ title: perLanguage(200), body: perLanguage(20_000) });
const bodySchema = campaignUpdateBodySchema;

export function campaignUpdateRoutes(deps: { db: Knex; resolvers?: readonly PrincipalResolver[] }): Router {
  const router = Router();
  router.post(
    '/api/admin/campaigns/:campaign/updates',
    requirePrincipal(deps.resolvers ?? [bearerTokenResolver(deps.db)]),
    async (req, res) => {
      const { campaign } = parseOr422(paramsSchema, req.params);
      const input = parseOr422(bodySchema, req.body);
      res.status(201).json(await postCampaignUpdate(deps.db, principalOf(res), campaign, input));
    },
  );
  return router;
}

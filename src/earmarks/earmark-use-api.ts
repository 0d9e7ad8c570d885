import { z } from 'zod';
import { slugSchema } from '../campaigns/campaign-admin-schemas';
import { route, type ApiRoute } from '../staff/api-route-table';
import {
  earmarkUseInputSchema, earmarkUseViewSchema, type EarmarkUseService,
} from './earmark-use-service';

const earmarkParams = z.object({ campaign: slugSchema, earmark: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be an earmark code') });

/** What an earmark's money paid for: list, record, remove (soft, audited). */
export function earmarkUseApiRoutes(uses: EarmarkUseService): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/admin/campaigns/:campaign/earmarks/:earmark/uses',
      summary: 'What an earmark\'s money paid for, newest first (removed ones are left out)',
      params: earmarkParams, response: z.object({ data: z.array(earmarkUseViewSchema) }),
      handle: async ({ principal, params }) => ({ data: await uses.listEarmarkUses(principal, params.campaign, params.earmark) }),
    }),
    route({
      method: 'post', path: '/api/admin/campaigns/:campaign/earmarks/:earmark/uses', status: 201,
      summary: 'Record what an earmark\'s money paid for, in English and Spanish, with an optional amount; audited',
      params: earmarkParams, body: earmarkUseInputSchema, response: earmarkUseViewSchema,
      handle: ({ principal, params, body }) => uses.recordEarmarkUse(principal, params.campaign, params.earmark, body),
    }),
    route({
      method: 'delete', path: '/api/admin/campaigns/:campaign/earmarks/:earmark/uses/:id',
      summary: 'Remove a recorded use (it stops showing; the row and the audit log keep it)',
      params: earmarkParams.extend({ id: z.uuid() }), response: z.object({ removed: z.boolean() }),
      handle: async ({ principal, params }) => {
        await uses.removeEarmarkUse(principal, params.campaign, params.earmark, params.id);
        return { removed: true };
      },
    }),
  ];
}

import { Router } from 'express';
import { z } from 'zod';
import { parseOr422 } from '../lib/validation';
import type { ProgressService } from './progress-service';

const paramsSchema = z.object({ campaign: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a campaign slug') });
const querySchema = z.object({ lang: z.enum(['en', 'es']).optional() });

export function progressRoutes(deps: { progress: ProgressService }): Router {
  const router = Router();
  router.get('/api/campaigns/:campaign/progress', async (req, res) => {
    const { campaign } = parseOr422(paramsSchema, req.params);
    const { lang } = parseOr422(querySchema, req.query);
    const locale = lang ?? (req.acceptsLanguages('en', 'es') || 'en');
    res.set('Cache-Control', 'public, max-age=15');
    res.json(await deps.progress.campaignProgress(campaign, locale as 'en' | 'es'));
  });
  return router;
}

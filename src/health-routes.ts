import { Router } from 'express';
import type { Knex } from 'knex';

export function healthRoutes(deps: { db: Knex }): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    try {
      await Promise.race([
        deps.db.raw('select 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('database timeout')), 2000).unref()),
      ]);
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  return router;
}

import { Router } from 'express';
import type { HealthService } from './health-service';

export function healthRoutes(deps: { health: HealthService }): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    try {
      await Promise.race([
        deps.health.databaseAnswers(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('database timeout')), 2000).unref()),
      ]);
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  return router;
}

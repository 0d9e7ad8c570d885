import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { checkoutRoutes } from './checkout/checkout-routes';
import { exportRoutes } from './exports/export-routes';
import type { Container } from './container';
import { healthRoutes } from './health-routes';
import { progressRoutes } from './ledger/progress-routes';
import { errorHandler, notFoundHandler } from './lib/error-middleware';
import { bearerTokenResolver } from './staff/principal';
import { webhookRoutes } from './stripe/webhook-routes';

export function createApp(c: Container): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(pinoHttp({
    logger: c.logger,
    genReqId: (req, res) => {
      const id = randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' },
  }));
  app.use(helmet());

  app.use(healthRoutes({ db: c.db }));
  // Before the JSON parser: the webhook route reads the raw bytes it verifies.
  app.use(webhookRoutes({ db: c.db, gateway: c.gateway, logger: c.logger }));
  app.use(express.json({ limit: '32kb' }));
  app.use(checkoutRoutes({ db: c.db, gateway: c.gateway, publicUrl: c.config.publicUrl, logger: c.logger }));
  app.use(progressRoutes({ db: c.db }));
  app.use(exportRoutes({ db: c.db, logger: c.logger, resolvers: [bearerTokenResolver(c.db)] }));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

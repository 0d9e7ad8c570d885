import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { checkoutRoutes } from './checkout/checkout-routes';
import type { Container } from './container';
import { demoCheckoutRoutes } from './demo/demo-checkout-routes';
import { formRoutes } from './donate/form-routes';
import { thanksRoutes } from './donate/thanks-routes';
import { healthRoutes } from './health-routes';
import { progressRoutes } from './ledger/progress-routes';
import { errorHandler, notFoundHandler } from './lib/error-middleware';
import { staffDepsOf, staffRoutes } from './staff/staff-routes';
import { webhookRoutes } from './stripe/webhook-routes';
import { assetRoutes } from './web/asset-routes';
import { widgetRoutes } from './widget/widget-routes';
import { cspDirectives } from './web/security-headers';
import { manageRoutes } from './supporters/manage-routes';
import { unsubscribeRoutes } from './supporters/unsubscribe-routes';
import { myGiftsRoutes } from './supporters/my-gifts-routes';

export function createApp(c: Container): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', typeof c.config.trustProxy === 'number' ? c.config.trustProxy : [...c.config.trustProxy]);
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
  app.use(helmet({ contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(["'self'"]) } }));

  app.use(healthRoutes({ health: c.health }));
  // Before the JSON parser: the webhook route reads the raw bytes it verifies.
  app.use(webhookRoutes({ gateway: c.gateway, webhooks: c.webhooks }));
  app.use(express.json({ limit: '32kb' }));
  const checkoutLimits = c.rateLimits.checkout;
  app.use(checkoutRoutes({ checkout: c.checkout }, checkoutLimits));
  app.use(assetRoutes());
  app.use(thanksRoutes({ thanks: c.thanks }));
  app.use(formRoutes({ forms: c.forms, limits: checkoutLimits }));
  if (c.demo) app.use(demoCheckoutRoutes(c.demo));
  app.use(widgetRoutes({ forms: c.forms }));
  app.use(progressRoutes({ progress: c.progress }));
  app.use(unsubscribeRoutes({ unsubscribe: c.unsubscribe }));
  app.use(myGiftsRoutes({ myGifts: c.myGifts, publicUrl: c.config.publicUrl, sessionSecret: c.sessionSecret }));
  app.use(manageRoutes({
    manage: c.manage, publicUrl: c.config.publicUrl, sessionSecret: c.sessionSecret, limit: c.rateLimits.manageLink,
  }));
  const staffDeps = staffDepsOf(c);
  app.use(staffRoutes(staffDeps));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

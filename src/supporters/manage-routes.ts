import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { pickLocale, translate, type Locale } from '../lib/i18n';
import { clientAddress, limitRequests, type LimiterFactory } from '../lib/rate-limits';
import { renderPage } from '../views/render';
import type { ManageService } from './manage-service';
import { startSupporterSession } from './supporter-session';

const formSchema = z.object({ email: z.email('must be an email address').max(254), lang: z.enum(['en', 'es']).optional() });
const tokenSchema = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'must be a sign-in token') });

export interface ManageDeps {
  readonly manage: ManageService;
  readonly publicUrl: string;
  readonly sessionSecret: string;
  /** The per-address limit on asking for links (see manageLinkRateLimit). */
  readonly limit: RequestHandler;
}

export const pageLocale = (req: Request): Locale =>
  pickLocale(req.query.lang ?? (req.body as Record<string, unknown> | undefined)?.lang, (...langs) => req.acceptsLanguages(...langs));

function sendManagePage(res: Response, status: number, locale: Locale, error?: string): void {
  res.status(status).set('Cache-Control', 'no-store').type('html')
    .send(renderPage('manage-request', { locale, title: translate(locale, 'manage.title'), ...(error ? { error } : {}) }));
}

export function sendMessagePage(res: Response, status: number, locale: Locale, title: string, message: string, againHref?: string): void {
  res.status(status).set('Cache-Control', 'no-store').type('html')
    .send(renderPage('manage-message', { locale, title, message, ...(againHref ? { againHref } : {}) }));
}

/** A light limit per client address: enough for a person, too little for a scan of addresses. */
export function manageLinkRateLimit(limiter: LimiterFactory): RequestHandler {
  return limitRequests(limiter({ name: 'manage_link_ip', points: 10, windowSeconds: 15 * 60 }), {
    key: clientAddress,
    limited: (req, _retryAt, next) => {
      const locale = pageLocale(req);
      if (req.res) sendManagePage(req.res, 429, locale, translate(locale, 'manage.tooMany'));
      void next;
    },
  });
}

/** `/manage`: asking for the emailed link, and the link itself, which signs the supporter in to "my gifts". */
export function manageRoutes(deps: ManageDeps): Router {
  const router = Router();
  const secure = deps.publicUrl.startsWith('https:');

  router.get('/manage', (req, res) => sendManagePage(res, 200, pageLocale(req)));

  router.post('/manage', express.urlencoded({ extended: false, limit: '4kb' }), deps.limit, async (req, res) => {
    const locale = pageLocale(req);
    const parsed = formSchema.safeParse(req.body);
    if (!parsed.success) {
      sendManagePage(res, 422, locale, translate(locale, 'manage.badEmail'));
      return;
    }
    await deps.manage.requestManageLink(parsed.data.email, locale);
    sendMessagePage(res, 200, locale, translate(locale, 'manage.sentTitle'), translate(locale, 'manage.sent'));
  });

  router.get('/manage/:token', async (req, res, next) => {
    const parsed = tokenSchema.safeParse(req.params);
    if (!parsed.success) {
      next();
      return;
    }
    const locale = pageLocale(req);
    const email = await deps.manage.useManageLink(parsed.data.token);
    if (!email) {
      sendMessagePage(res, 410, locale, translate(locale, 'manage.invalidTitle'), translate(locale, 'manage.invalid'), `/manage?lang=${locale}`);
      return;
    }
    startSupporterSession(res, deps.sessionSecret, email, secure);
    res.set('Cache-Control', 'no-store').redirect(303, `/manage/gifts?lang=${locale}`);
  });
  return router;
}

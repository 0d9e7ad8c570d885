import express, { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { translate } from '../lib/i18n';
import { renderPage } from '../views/render';
import type { UnsubscribeService } from './unsubscribe-service';

const paramsSchema = z.object({ token: z.string().regex(/^[a-f0-9]{32,64}$/) });

/** A mangled link is as unknown as a wrong one. */
async function unsubscribeFrom(service: UnsubscribeService, params: unknown) {
  const parsed = paramsSchema.safeParse(params);
  const done = parsed.success ? await service.unsubscribe(parsed.data.token) : null;
  if (!done) throw AppError.notFound('This unsubscribe link');
  return done;
}

/**
 * GET is the one-click link in the message (as the product contract says); POST is RFC 8058's
 * List-Unsubscribe-Post, sent by mail clients with the body "List-Unsubscribe=One-Click".
 */
export function unsubscribeRoutes(deps: { unsubscribe: UnsubscribeService }): Router {
  const router = Router();
  router.get('/unsubscribe/:token', async (req, res) => {
    const done = await unsubscribeFrom(deps.unsubscribe, req.params);
    const locale = done.locale;
    res.set('Cache-Control', 'no-store').type('html').send(renderPage('manage-message', {
      locale, title: translate(locale, 'unsub.title'), message: translate(locale, 'unsub.body', { organization: done.organization }),
      note: translate(locale, 'unsub.note'),
    }));
  });
  router.post('/unsubscribe/:token', express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    await unsubscribeFrom(deps.unsubscribe, req.params);
    res.set('Cache-Control', 'no-store').type('text').send('unsubscribed');
  });
  return router;
}

import express, { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { escapeHtml, page } from './supporter-pages';
import { unsubscribe } from './unsubscribe-service';

const paramsSchema = z.object({ token: z.string().regex(/^[a-f0-9]{32,64}$/) });

/** A mangled link is as unknown as a wrong one. */
async function unsubscribeFrom(db: Knex, params: unknown) {
  const parsed = paramsSchema.safeParse(params);
  const done = parsed.success ? await unsubscribe(db, parsed.data.token) : null;
  if (!done) throw AppError.notFound('This unsubscribe link');
  return done;
}

const TEXT = {
  en: {
    title: 'You are unsubscribed',
    body: (org: string) => `<p>You will no longer receive campaign updates from ${escapeHtml(org)}.</p>
<p class="muted">Receipts for your gifts will still be sent, as tax law expects. You can sign up again the next time you give.</p>`,
  },
  es: {
    title: 'Se ha dado de baja',
    body: (org: string) => `<p>Ya no recibirá noticias de campañas de ${escapeHtml(org)}.</p>
<p class="muted">Seguirá recibiendo los recibos de sus donaciones, como lo exige la ley tributaria. Puede suscribirse de nuevo la próxima vez que done.</p>`,
  },
};

/**
 * GET is the one-click link in the message (as the product contract says); POST is RFC 8058's
 * List-Unsubscribe-Post, sent by mail clients with the body "List-Unsubscribe=One-Click".
 */
export function unsubscribeRoutes(deps: { db: Knex }): Router {
  const router = Router();
  router.get('/unsubscribe/:token', async (req, res) => {
    const done = await unsubscribeFrom(deps.db, req.params);
    const text = TEXT[done.locale];
    res.set('Cache-Control', 'no-store').type('html').send(page(done.locale, text.title, text.body(done.organization)));
  });
  router.post('/unsubscribe/:token', express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    await unsubscribeFrom(deps.db, req.params);
    res.set('Cache-Control', 'no-store').type('text').send('unsubscribed');
  });
  return router;
}

import express, { Router, type Request, type RequestHandler } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { Logger } from '../lib/logger';
import { clientAddress, limitRequests, type LimiterFactory } from '../lib/rate-limits';
import { parseOr422 } from '../lib/validation';
import type { PaymentGateway } from '../stripe/payment-types';
import { openManagePortal, requestManageLink } from './manage-service';
import { escapeHtml, localeOf, page, type PageLocale } from './supporter-pages';

const TEXT = {
  en: {
    title: 'Manage your monthly gift',
    intro: 'Enter the email address you gave with. If it has gifts, we will send a link that opens a secure page to change your card or cancel.',
    label: 'Email address', button: 'Send me a link',
    sentTitle: 'Check your email',
    sent: 'If this address has gifts with us, a link is on its way. It works once, for one hour.',
    invalidTitle: 'This link no longer works',
    invalid: 'Sign-in links work once and for one hour.', again: 'Ask for a new link',
    noGift: 'We found no gift to manage for this address.',
    tooMany: 'Too many requests. Please try again in a few minutes.',
  },
  es: {
    title: 'Administre su donación mensual',
    intro: 'Escriba el correo con el que donó. Si tiene donaciones, le enviaremos un enlace a una página segura para cambiar su tarjeta o cancelar.',
    label: 'Correo electrónico', button: 'Enviarme un enlace',
    sentTitle: 'Revise su correo',
    sent: 'Si este correo tiene donaciones con nosotros, le enviamos un enlace. Funciona una sola vez, durante una hora.',
    invalidTitle: 'Este enlace ya no funciona',
    invalid: 'Los enlaces funcionan una sola vez y durante una hora.', again: 'Pedir un enlace nuevo',
    noGift: 'No encontramos donaciones que administrar para este correo.',
    tooMany: 'Demasiadas solicitudes. Intente de nuevo en unos minutos.',
  },
} as const;

const formSchema = z.object({ email: z.email('must be an email address').max(254), lang: z.enum(['en', 'es']).optional() });
const tokenSchema = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'must be a sign-in token') });

function form(locale: PageLocale, error?: string): string {
  const t = TEXT[locale];
  return page(locale, t.title, `<p>${escapeHtml(t.intro)}</p>
${error ? `<p role="alert" class="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/manage">
<input type="hidden" name="lang" value="${locale}">
<label for="email">${escapeHtml(t.label)}</label>
<input id="email" name="email" type="email" required autocomplete="email" maxlength="254">
<button type="submit">${escapeHtml(t.button)}</button>
</form>`);
}

/** A light limit per client address: enough for a person, too little for a scan of addresses. */
export function manageLinkRateLimit(limiter: LimiterFactory): RequestHandler {
  return limitRequests(limiter({ name: 'manage_link_ip', points: 10, windowSeconds: 15 * 60 }), {
    key: clientAddress,
    limited: (req, _retryAt, next) => {
      const locale = localeOf(req.query.lang ?? req.body?.lang, req.acceptsLanguages('en', 'es') === 'es');
      req.res?.status(429).type('html').send(form(locale, TEXT[locale].tooMany));
      void next;
    },
  });
}

export function manageRoutes(deps: { db: Knex; gateway: PaymentGateway; logger: Logger; publicUrl: string; limit: RequestHandler }): Router {
  const router = Router();
  const pageLocale = (req: Request) => localeOf(req.query.lang ?? req.body?.lang, req.acceptsLanguages('en', 'es') === 'es');

  router.get('/manage', (req, res) => {
    res.set('Cache-Control', 'no-store').type('html').send(form(pageLocale(req)));
  });

  router.post('/manage', express.urlencoded({ extended: false, limit: '4kb' }), deps.limit, async (req, res) => {
    const locale = pageLocale(req);
    const parsed = formSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(422).type('html').send(form(locale, TEXT[locale].label));
      return;
    }
    await requestManageLink(deps.db, deps.logger, parsed.data.email, locale);
    res.set('Cache-Control', 'no-store').type('html')
      .send(page(locale, TEXT[locale].sentTitle, `<p>${escapeHtml(TEXT[locale].sent)}</p>`));
  });

  router.get('/manage/:token', async (req, res) => {
    const locale = pageLocale(req);
    const { token } = parseOr422(tokenSchema, req.params);
    const returnUrl = `${deps.publicUrl}/manage?lang=${locale}`;
    const outcome = await openManagePortal(deps.db, deps.gateway, token, returnUrl);
    if (outcome.kind === 'portal') {
      res.redirect(303, outcome.url);
      return;
    }
    const t = TEXT[locale];
    const message = outcome.kind === 'invalid' ? t.invalid : t.noGift;
    res.status(outcome.kind === 'invalid' ? 410 : 404).set('Cache-Control', 'no-store').type('html')
      .send(page(locale, t.invalidTitle, `<p>${escapeHtml(message)}</p><p><a href="/manage?lang=${locale}">${escapeHtml(t.again)}</a></p>`));
  });
  return router;
}


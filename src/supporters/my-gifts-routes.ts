import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { GiftRefusal, type GiftActor } from '../gifts/managed-gift';
import { AppError } from '../lib/errors';
import { formatTime, translate, type Locale } from '../lib/i18n';
import { fromDecimalString, formatMoney } from '../lib/money';
import { receiptFields, receiptPdf, yearEndPdf } from '../pdf/receipt-pdf';
import { renderPage } from '../views/render';
import { pageLocale, sendMessagePage } from './manage-routes';
import type { MyGiftsService } from './my-gifts-service';
import { csrfMatches, endSupporterSession, supporterSessionOf, type SupporterSession } from './supporter-session';

export interface MyGiftsDeps {
  readonly myGifts: MyGiftsService;
  readonly sessionSecret: string;
  readonly publicUrl: string;
}

type Signed = (req: Request, res: Response, session: SupporterSession, locale: Locale) => Promise<void>;

const DONE = new Set(['amount', 'earmark', 'pause', 'resume', 'cancel', 'card']);
const entryParam = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const yearParam = z.object({ supporterId: z.string().max(40), year: z.coerce.number().int().min(2000).max(2100) });

/**
 * "My gifts": every page re-reads the signed-in address from its cookie and every gift, receipt
 * or statement is looked up under that address, so another supporter's id is simply not found.
 */
export function myGiftsRoutes(deps: MyGiftsDeps): Router {
  const router = Router();
  const secure = deps.publicUrl.startsWith('https:');
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  const signedIn = (handler: Signed): RequestHandler => async (req: Request, res: Response, next: NextFunction) => {
    const locale = pageLocale(req);
    const session = supporterSessionOf(req, deps.sessionSecret);
    res.set('Cache-Control', 'no-store');
    if (!session) {
      sendMessagePage(res, 401, locale, translate(locale, 'manage.signedOutTitle'), translate(locale, 'manage.signedOut'), `/manage?lang=${locale}`);
      return;
    }
    if (req.method === 'POST' && !csrfMatches(session, (req.body as Record<string, unknown>)?._csrf)) {
      await showGifts(res, session, locale, 403, { error: translate(locale, 'gifts.error.form') });
      return;
    }
    try {
      await handler(req, res, session, locale);
    } catch (error) {
      if (error instanceof GiftRefusal) {
        await showGifts(res, session, locale, 422, { error: translate(locale, error.key, error.vars) });
        return;
      }
      if (error instanceof AppError && error.status === 404) {
        sendMessagePage(res, 404, locale, translate(locale, 'gifts.title'), translate(locale, 'gifts.none'), `/manage/gifts?lang=${locale}`);
        return;
      }
      if (!(error instanceof AppError)) {
        req.log?.error({ err: error }, 'a gift change failed');
        await showGifts(res, session, locale, 502, { error: translate(locale, 'gifts.error.stripe') });
        return;
      }
      next(error);
    }
  };

  async function showGifts(res: Response, session: SupporterSession, locale: Locale, status: number, extra: Record<string, unknown> = {}) {
    const model = await deps.myGifts.myGifts(session.email, locale);
    res.status(status).type('html').send(renderPage('my-gifts', {
      locale, title: translate(locale, 'gifts.title'), ...model, ...extra, email: session.email, csrf: session.csrf,
      until: formatTime(new Date(session.expiresAt), locale, 'UTC'),
    }));
  }

  const actor = (session: SupporterSession, locale: Locale): GiftActor => ({ kind: 'supporter', email: session.email, locale });
  const back = (res: Response, locale: Locale, done: string, id: string) => res.redirect(303, `/manage/gifts?lang=${locale}&done=${done}#gift-${id}`);
  const giftId = (req: Request) => String(req.params.id ?? '');

  router.get('/manage/gifts', signedIn(async (req, res, session, locale) => {
    const done = typeof req.query.done === 'string' && DONE.has(req.query.done) ? translate(locale, `gifts.done.${req.query.done}`) : null;
    await showGifts(res, session, locale, 200, done ? { done } : {});
  }));

  router.post('/manage/gifts/:id/amount', form, signedIn(async (req, res, session, locale) => {
    const gift = await deps.myGifts.findManagedGift(actor(session, locale), giftId(req));
    const amount = fromDecimalString(String(req.body.amount ?? '').trim(), gift.currency);
    await deps.myGifts.changeAmount(actor(session, locale), gift.id, amount ?? Number.NaN);
    back(res, locale, 'amount', gift.id);
  }));

  router.post('/manage/gifts/:id/earmark', form, signedIn(async (req, res, session, locale) => {
    await deps.myGifts.changeEarmark(actor(session, locale), giftId(req), String(req.body.earmark ?? ''));
    back(res, locale, 'earmark', giftId(req));
  }));

  router.post('/manage/gifts/:id/pause', form, signedIn(async (req, res, session, locale) => {
    const months = /^\d{1,2}$/.test(String(req.body.months ?? '')) ? Number(req.body.months) : Number.NaN;
    await deps.myGifts.pauseGift(actor(session, locale), giftId(req), months);
    back(res, locale, 'pause', giftId(req));
  }));

  router.post('/manage/gifts/:id/resume', form, signedIn(async (req, res, session, locale) => {
    await deps.myGifts.resumeGift(actor(session, locale), giftId(req));
    back(res, locale, 'resume', giftId(req));
  }));

  router.get('/manage/gifts/:id/cancel', signedIn(async (req, res, session, locale) => {
    const gift = await deps.myGifts.findManagedGift(actor(session, locale), giftId(req));
    const campaignTitle = await deps.myGifts.campaignTitle(gift.campaignSlug, locale);
    res.type('html').send(renderPage('gift-cancel', {
      locale, title: translate(locale, 'gifts.cancelTitle'), csrf: session.csrf,
      gift: { id: gift.id, amount: formatMoney(gift.chargeAmount, gift.currency, locale), campaign: campaignTitle ?? '' },
    }));
  }));

  router.post('/manage/gifts/:id/cancel', form, signedIn(async (req, res, session, locale) => {
    if (req.body.confirm !== 'yes') throw new GiftRefusal('confirm', 'gifts.error.confirm');
    await deps.myGifts.cancelGift(actor(session, locale), giftId(req));
    back(res, locale, 'cancel', giftId(req));
  }));

  router.post('/manage/gifts/:id/card', form, signedIn(async (req, res, session, locale) => {
    const back = `${deps.publicUrl}/manage/gifts?lang=${locale}`;
    const pages = { successUrl: `${back}&done=card#gift-${giftId(req)}`, cancelUrl: `${back}#gift-${giftId(req)}` };
    res.redirect(303, await deps.myGifts.startCardUpdate(actor(session, locale), giftId(req), pages, locale));
  }));

  router.post('/manage/sign-out', form, signedIn(async (_req, res, _session, locale) => {
    endSupporterSession(res, secure);
    res.redirect(303, `/manage?lang=${locale}`);
  }));

  router.get('/manage/receipts/:id', signedIn(async (req, res, session, locale) => {
    const id = await ownedEntry(deps.myGifts, session, req);
    const fields = receiptFields(await deps.myGifts.receiptModel(id, locale));
    res.type('html').send(renderPage('receipt', {
      locale, title: fields.title, heading: fields.title, entryId: id,
      rows: fields.rows.map(([label, value]) => ({ label, value })), paragraphs: fields.paragraphs,
    }));
  }));

  router.get('/manage/receipts/:id/pdf', signedIn(async (req, res, session, locale) => {
    const id = await ownedEntry(deps.myGifts, session, req);
    const model = await deps.myGifts.receiptModel(id, locale);
    sendPdf(res, await receiptPdf(model), `receipt-${model.entry.receiptNumber || id}.pdf`);
  }));

  router.get('/manage/statements/:supporterId/:year/pdf', signedIn(async (req, res, session, locale) => {
    const parsed = yearParam.safeParse(req.params);
    if (!parsed.success || !(await deps.myGifts.ownsSupporter(session.email, parsed.data.supporterId))) throw AppError.notFound('Statement');
    const model = await deps.myGifts.yearEndModel(parsed.data.supporterId, parsed.data.year, locale);
    sendPdf(res, await yearEndPdf(model), `statement-${parsed.data.year}.pdf`);
  }));

  return router;
}

async function ownedEntry(myGifts: MyGiftsService, session: SupporterSession, req: Request): Promise<number> {
  const parsed = entryParam.safeParse(req.params);
  if (!parsed.success || !(await myGifts.ownsEntry(session.email, parsed.data.id))) throw AppError.notFound('Receipt');
  return parsed.data.id;
}

function sendPdf(res: Response, pdf: Buffer, filename: string): void {
  res.type('application/pdf').set('Content-Disposition', `inline; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`).send(pdf);
}

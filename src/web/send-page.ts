import type { Response } from 'express';
import { renderPage, type PageData, type PageName } from '../views/render';
import { allowFraming } from './security-headers';

/** Answers with a rendered page that the given origins (besides our own) may frame. */
export function sendPage(res: Response, status: number, page: PageName, model: PageData, frameOrigins: readonly string[] = []): void {
  allowFraming(res, frameOrigins);
  res.status(status).type('html').send(renderPage(page, model));
}

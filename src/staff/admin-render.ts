import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { formatMoney } from '../lib/money';

const VIEWS_DIR = path.join(__dirname, 'views');

// A private instance: helpers and partials here never leak into the public pages or emails.
const hbs = Handlebars.create();
hbs.registerHelper('money', (amount: unknown, currency: unknown) =>
  typeof amount === 'number' && typeof currency === 'string' ? formatMoney(amount, currency, 'en-US') : '');
hbs.registerHelper('date', (value: unknown) => {
  if (!value) return '';
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
});
hbs.registerHelper('datetime', (value: unknown) => {
  if (!value) return '';
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? '' : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
});
hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
hbs.registerHelper('slugHint', (hasGifts: unknown) => (hasGifts
  ? 'Fixed: the organization has gifts, and receipts and exports name it'
  : 'Lowercase letters, digits and hyphens; fixed once the organization has gifts'));
hbs.registerHelper('json', (value: unknown) => (value == null ? '' : JSON.stringify(value, null, 1)));

hbs.registerPartial('giftRows', fs.readFileSync(path.join(VIEWS_DIR, 'partial-gift-rows.hbs'), 'utf8'));
hbs.registerPartial('field', fs.readFileSync(path.join(VIEWS_DIR, 'partial-field.hbs'), 'utf8'));
hbs.registerPartial('errorList', fs.readFileSync(path.join(VIEWS_DIR, 'partial-error-list.hbs'), 'utf8'));

const compiled = new Map<string, Handlebars.TemplateDelegate>();
let layout: Handlebars.TemplateDelegate | null = null;

function template(name: string): Handlebars.TemplateDelegate {
  let t = compiled.get(name);
  if (!t) {
    t = hbs.compile(fs.readFileSync(path.join(VIEWS_DIR, `${name}.hbs`), 'utf8'), { strict: false });
    compiled.set(name, t);
  }
  return t;
}

export interface PageFrame {
  readonly title: string;
  readonly csrf?: string;
  readonly user?: { email: string; role: string } | null;
  readonly flash?: string | null;
}

/** A staff page inside the shared layout; every value is escaped by Handlebars. */
export function renderPage(name: string, frame: PageFrame, data: Record<string, unknown> = {}): string {
  layout ??= hbs.compile(fs.readFileSync(path.join(VIEWS_DIR, 'layout.hbs'), 'utf8'));
  const context = { ...data, frame, csrf: frame.csrf ?? '', user: frame.user ?? null };
  const body = template(name)(context);
  return layout({ ...context, body: new hbs.SafeString(body) });
}

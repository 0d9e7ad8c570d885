import { createHash, randomBytes } from 'node:crypto';
import { buildCheckoutBody } from '../factories/checkout-body';
import { donationIdForSession } from '../helpers/ledger-queries';
import type { Harness } from '../helpers/app-with-stripe';
import { addMonthsUtc } from '../../src/lib/months';

/** A monthly gift whose first `paid` payments went through, the last one a day ago. */
export async function monthlyGift(t: Harness, options: { installments?: number | null; amount?: number; paid?: number; coverFees?: boolean; locale?: string } = {}) {
  const body = buildCheckoutBody({
    frequency: 'monthly', installments: options.installments === undefined ? 6 : options.installments, amount: options.amount ?? 2000,
    coverFees: options.coverFees ?? false, locale: options.locale ?? 'en',
  });
  const res = await t.app.postJson('/api/checkout-sessions', body);
  expect(res.status).toBe(201);
  const donationId = await donationIdForSession(t.app.db, res.body.id);
  const paid = options.paid ?? 2;
  const start = addMonthsUtc(new Date(Date.now() - 86_400_000), -(paid - 1));
  const { session, subscription, invoice } = t.stripe.startSubscription(res.body.id, { start });
  await t.app.deliver('checkout.session.completed', session);
  await t.app.deliver('invoice.paid', invoice);
  for (let k = 2; k <= paid; k += 1) await t.app.deliver('invoice.paid', t.stripe.invoice(subscription, k).invoice);
  return { donationId, subscription, email: (body.supporter as { email: string }).email, start };
}

/** Signs in as the emailed link does (a link's hash in manage_tokens, then the link opened); the cookie. */
export async function signIn(t: Harness, email: string, lang = 'en'): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await t.app.db('manage_tokens').insert({
    token_hash: createHash('sha256').update(token).digest('hex'), email, expires_at: new Date(Date.now() + 3_600_000),
  });
  const res = await fetch(`${t.app.baseUrl}/manage/${token}?lang=${lang}`, { redirect: 'manual' });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe(`/manage/gifts?lang=${lang}`);
  const cookie = res.headers.get('set-cookie') ?? '';
  expect(cookie).toMatch(/HttpOnly/i);
  return cookie.split(';')[0] as string;
}

export async function getPage(t: Harness, cookie: string, route: string) {
  const res = await fetch(t.app.baseUrl + route, { headers: { cookie }, redirect: 'manual' });
  return { status: res.status, html: await res.text(), headers: res.headers };
}

export const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

export async function post(t: Harness, cookie: string, route: string, fields: Record<string, string>) {
  const res = await fetch(t.app.baseUrl + route, {
    method: 'POST', redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields),
  });
  return { status: res.status, html: await res.text(), location: res.headers.get('location') };
}

/** Signs in, reads the page's form token and posts one action of "my gifts". */
export async function act(t: Harness, email: string, route: string, fields: Record<string, string> = {}, lang = 'en') {
  const cookie = await signIn(t, email, lang);
  const page = await getPage(t, cookie, `/manage/gifts?lang=${lang}`);
  return { cookie, ...(await post(t, cookie, route, { ...fields, _csrf: csrfOf(page.html) })) };
}

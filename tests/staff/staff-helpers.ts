import type { Knex } from 'knex';
import { createApiToken, type Role } from '../../src/staff/api-token-service';
import { createUser } from '../../src/staff/user-service';

export const PASSWORD = 'correct horse battery staple';

/** A second organization with its own campaign, for "another organization's staff". */
export async function ensureOtherOrganization(db: Knex): Promise<{ organizationId: string; campaignSlug: string }> {
  await db('organizations').insert({
    slug: 'other-network', name: 'Other Network',
  }).onConflict('slug').ignore();
  const org = await db('organizations').where({ slug: 'other-network' }).first('id');
  await db('campaigns').insert({
    organization_id: org.id, slug: 'other-campaign', title_en: 'Other', title_es: 'Otra', currency: 'usd', status: 'active',
  }).onConflict('slug').ignore();
  const campaign = await db('campaigns').where({ slug: 'other-campaign' }).first('id');
  await db('earmarks').insert({ campaign_id: campaign.id, code: 'general', label_en: 'General', label_es: 'General' })
    .onConflict(['campaign_id', 'code']).ignore();
  return { organizationId: org.id, campaignSlug: 'other-campaign' };
}

let counter = 0;
export async function staffUser(db: Knex, role: Role, organizationSlug?: string): Promise<{ email: string; password: string }> {
  counter += 1;
  const email = `${role}-${counter}-${Date.now()}@example.org`;
  await createUser(db, { email, role, organizationSlug, password: PASSWORD });
  return { email, password: PASSWORD };
}

export async function bearer(db: Knex, role: Role, organizationSlug?: string): Promise<Record<string, string>> {
  const { token } = await createApiToken(db, { role, organizationSlug, label: 'test' });
  return { authorization: `Bearer ${token}` };
}

const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const cookieIn = (res: Response, name: string) =>
  res.headers.getSetCookie().map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith(`${name}=`)) ?? null;

export interface Browserless {
  readonly cookie: string;
  readonly csrf: string;
}

/** Signs in through the real form, as a browser would, returning the session cookie and the CSRF token of its pages. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<Browserless> {
  const page = await fetch(`${baseUrl}/admin/sign-in`);
  const preCookie = cookieIn(page, 'colecta_csrf') ?? '';
  const preCsrf = csrfIn(await page.text());
  const res = await fetch(`${baseUrl}/admin/sign-in`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: preCookie },
    body: new URLSearchParams({ _csrf: preCsrf, email, password }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
  const cookie = cookieIn(res, 'colecta_session');
  if (!cookie) throw new Error('no session cookie');
  const home = await fetch(`${baseUrl}/admin/tokens`, { headers: { cookie } });
  return { cookie, csrf: csrfIn(await home.text()) };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are whatever JSON the app sent */
export async function api(
  baseUrl: string, method: string, route: string, headers: Record<string, string>, body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(baseUrl + route, {
    method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // A CSV or PDF answer is kept as text; JSON (every error included) is parsed.
  const json = (res.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: res.status, body: text && json ? JSON.parse(text) : text || null };
}

/** Posts a staff form as the browser would: the session cookie, its CSRF token, no redirect followed. */
export async function submitForm(baseUrl: string, session: Browserless, route: string, form: Record<string, string>) {
  const res = await fetch(`${baseUrl}${route}`, {
    method: 'POST', redirect: 'manual',
    headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: session.csrf, ...form }).toString(),
  });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { buildContainer } from '../../src/container';
import { createLogger } from '../../src/lib/logger';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { api, PASSWORD, signIn, staffUser } from './staff-helpers';

const t = useAppWithStripe();

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = (cookie: string) => ({ 'content-type': 'application/x-www-form-urlencoded', cookie });
const offlineGift = {
  campaign: 'organizer-training', earmark: 'housing_meals', amount: 1500, method: 'cash',
  supporter: { firstName: 'Luz', lastName: 'Mar', email: 'luz@example.org' },
};

describe('signing in', () => {
  it('sets an httpOnly, SameSite=Lax session cookie whose database row holds only a hash of it', async () => {
    const user = await staffUser(t.app.db, 'staff', 'demo-network');
    const page = await fetch(`${t.app.baseUrl}/admin/sign-in`);
    const pre = page.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const res = await fetch(`${t.app.baseUrl}/admin/sign-in`, {
      method: 'POST', redirect: 'manual', headers: formHeaders(pre), body: form({ _csrf: csrf, email: user.email, password: PASSWORD }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/campaigns');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('colecta_session=')) ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    const token = cookie.split(';')[0]?.split('=')[1] ?? '';
    const rows = await t.app.db('staff_sessions').select('id');
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('marks the cookie Secure when PUBLIC_URL is https', async () => {
    const user = await staffUser(t.app.db, 'admin');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-https-'));
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, PUBLIC_URL: 'https://give.example.org', LOG_LEVEL: 'silent' });
    const server = createApp(buildContainer(config, { db: t.app.db, logger: createLogger('silent') })).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const page = await fetch(`${base}/admin/sign-in`);
      const pre = page.headers.getSetCookie()[0]?.split(';')[0] ?? '';
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
      const res = await fetch(`${base}/admin/sign-in`, {
        method: 'POST', redirect: 'manual', headers: formHeaders(pre), body: form({ _csrf: csrf, email: user.email, password: PASSWORD }),
      });
      expect(res.headers.getSetCookie().find((c) => c.startsWith('colecta_session='))).toMatch(/; Secure/i);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a wrong password, and a sign-in form posted without its CSRF token', async () => {
    const user = await staffUser(t.app.db, 'sponsor');
    const page = await fetch(`${t.app.baseUrl}/admin/sign-in`);
    const pre = page.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const wrong = await fetch(`${t.app.baseUrl}/admin/sign-in`, {
      method: 'POST', redirect: 'manual', headers: formHeaders(pre), body: form({ _csrf: csrf, email: user.email, password: 'not the password' }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.getSetCookie().some((c) => c.startsWith('colecta_session='))).toBe(false);
    const noCsrf = await fetch(`${t.app.baseUrl}/admin/sign-in`, {
      method: 'POST', redirect: 'manual', headers: formHeaders(pre), body: form({ email: user.email, password: PASSWORD }),
    });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.headers.getSetCookie().some((c) => c.startsWith('colecta_session='))).toBe(false);
  });

  it('slows down guessing: the eleventh attempt on one email within 15 minutes gets 429', async () => {
    const user = await staffUser(t.app.db, 'staff', 'demo-network');
    const page = await fetch(`${t.app.baseUrl}/admin/sign-in`);
    const pre = page.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) {
      const res = await fetch(`${t.app.baseUrl}/admin/sign-in`, {
        method: 'POST', redirect: 'manual', headers: formHeaders(pre), body: form({ _csrf: csrf, email: user.email, password: `guess ${i}` }),
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});

describe('a session cookie on /api/admin', () => {
  it('reads without a CSRF token, but a change needs the X-CSRF-Token header', async () => {
    const user = await staffUser(t.app.db, 'staff', 'demo-network');
    const s = await signIn(t.app.baseUrl, user.email, user.password);
    expect(s.csrf).not.toBe('');
    expect((await api(t.app.baseUrl, 'GET', '/api/admin/campaigns', { cookie: s.cookie })).status).toBe(200);
    const refused = await api(t.app.baseUrl, 'POST', '/api/admin/offline-donations', { cookie: s.cookie }, offlineGift);
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'csrf_failed' } } });
    const wrong = await api(t.app.baseUrl, 'POST', '/api/admin/offline-donations', { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(43) }, offlineGift);
    expect(wrong.status).toBe(403);
    expect(await t.app.db('ledger_entries').where({ kind: 'offline' }).count<{ n: number }>('* as n').first()).toEqual({ n: 0 });
    const accepted = await api(t.app.baseUrl, 'POST', '/api/admin/offline-donations', { cookie: s.cookie, 'x-csrf-token': s.csrf }, offlineGift);
    expect(accepted.status).toBe(201);
  });

  it('refuses a page form posted without the session\'s CSRF token', async () => {
    const user = await staffUser(t.app.db, 'admin');
    const s = await signIn(t.app.baseUrl, user.email, user.password);
    const res = await fetch(`${t.app.baseUrl}/admin/tokens`, {
      method: 'POST', redirect: 'manual', headers: formHeaders(s.cookie), body: form({ role: 'sponsor', label: 'csrf' }),
    });
    expect(res.status).toBe(403);
    expect(await t.app.db('api_tokens').where({ label: 'csrf' }).first()).toBeUndefined();
    const ok = await fetch(`${t.app.baseUrl}/admin/tokens`, {
      method: 'POST', redirect: 'manual', headers: formHeaders(s.cookie), body: form({ _csrf: s.csrf, role: 'sponsor', label: 'csrf' }),
    });
    expect(ok.status).toBe(201);
    const token = /id="new-token">([^<]+)</.exec(await ok.text())?.[1] ?? '';
    expect((await api(t.app.baseUrl, 'GET', '/api/admin/campaigns', { authorization: `Bearer ${token}` })).status).toBe(200);
  });
});

describe('session expiry and sign-out', () => {
  it('ends a session left idle, and one past its absolute lifetime, however busy', async () => {
    const user = await staffUser(t.app.db, 'sponsor');
    const idle = await signIn(t.app.baseUrl, user.email, user.password);
    const busy = await signIn(t.app.baseUrl, user.email, user.password);
    const [idleRow, busyRow] = await t.app.db('staff_sessions').where({ user_id: t.app.db('staff_users').where({ email: user.email }).select('id') })
      .orderBy('created_at').select('id');
    await t.app.db('staff_sessions').where({ id: idleRow.id }).update({ idle_expires_at: new Date(Date.now() - 1000) });
    await t.app.db('staff_sessions').where({ id: busyRow.id }).update({ expires_at: new Date(Date.now() - 1000) });

    for (const s of [idle, busy]) {
      expect((await api(t.app.baseUrl, 'GET', '/api/admin/campaigns', { cookie: s.cookie })).status).toBe(401);
      const page = await fetch(`${t.app.baseUrl}/admin/campaigns`, { headers: { cookie: s.cookie }, redirect: 'manual' });
      expect(page.status).toBe(303);
      expect(page.headers.get('location')).toMatch(/^\/admin\/sign-in\?next=/);
    }
  });

  it('signs out: the session row is gone and the cookie no longer works', async () => {
    const user = await staffUser(t.app.db, 'admin');
    const s = await signIn(t.app.baseUrl, user.email, user.password);
    const before = await t.app.db('staff_sessions').count<{ n: number }>('* as n').first();
    const res = await fetch(`${t.app.baseUrl}/admin/sign-out`, { method: 'POST', redirect: 'manual', headers: formHeaders(s.cookie), body: form({ _csrf: s.csrf }) });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().find((c) => c.startsWith('colecta_session='))).toMatch(/Expires=Thu, 01 Jan 1970/);
    const after = await t.app.db('staff_sessions').count<{ n: number }>('* as n').first();
    expect(Number(after?.n)).toBe(Number(before?.n) - 1);
    expect((await api(t.app.baseUrl, 'GET', '/api/admin/campaigns', { cookie: s.cookie })).status).toBe(401);
  });
});

describe('password reset', () => {
  it('mails a single-use link that sets a new password and ends the old sessions', async () => {
    const user = await staffUser(t.app.db, 'staff', 'demo-network');
    const old = await signIn(t.app.baseUrl, user.email, user.password);
    const page = await fetch(`${t.app.baseUrl}/admin/forgot-password`);
    const pre = page.headers.getSetCookie()[0]?.split(';')[0] ?? '';
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const asked = await fetch(`${t.app.baseUrl}/admin/forgot-password`, {
      method: 'POST', redirect: 'manual', headers: formHeaders(pre), body: form({ _csrf: csrf, email: user.email }),
    });
    expect(asked.status).toBe(303);
    // Queued in the outbox, keyed by the reset row (no token: it is minted at send time), and delivered (here as an .eml file) by the worker.
    const queued = await t.app.db('emails').where({ template: 'password_reset', recipient: user.email });
    expect(queued).toHaveLength(1);
    expect(queued[0].dedupe_key).toMatch(/^password_reset:[0-9a-f-]{36}$/);
    await t.app.drainOutbox();
    const eml = fs.readFileSync(path.join(t.app.dataDir, 'outbox', `${queued[0].id}.eml`), 'utf8');
    const mail = await simpleParser(eml);
    expect(mail.to).toMatchObject({ text: user.email });
    expect(mail.subject).toBe('Set a new password for Colecta staff');
    const link = /(http:\/\/\S+\/admin\/reset\?token=[\w-]+)/.exec(mail.text ?? '')?.[1] ?? '';
    expect(mail.html).toContain(new URL(link).searchParams.get('token'));
    expect(t.app.logLines.join('\n')).not.toContain(link);
    const url = new URL(link);
    const route = `${url.pathname}${url.search}`;
    const token = url.searchParams.get('token') ?? '';
    expect(route).toMatch(/^\/admin\/reset\?token=[\w-]{43}$/);
    const stored = await t.app.db('password_reset_tokens').select('id');
    expect(JSON.stringify(stored)).not.toContain(token);

    expect((await fetch(`${t.app.baseUrl}${route}`)).status).toBe(200);
    const newPassword = 'a brand new passphrase';
    const set = await fetch(`${t.app.baseUrl}/admin/reset`, {
      method: 'POST', redirect: 'manual', headers: formHeaders(pre), body: form({ _csrf: csrf, token, password: newPassword, confirm: newPassword }),
    });
    expect(set.status).toBe(303);
    expect((await api(t.app.baseUrl, 'GET', '/api/admin/campaigns', { cookie: old.cookie })).status).toBe(401);
    await expect(signIn(t.app.baseUrl, user.email, newPassword)).resolves.toMatchObject({ cookie: expect.any(String) });
    await expect(signIn(t.app.baseUrl, user.email, PASSWORD)).rejects.toThrow(/401/);
    expect((await fetch(`${t.app.baseUrl}${route}`)).status).toBe(410);
    const audit = await t.app.db('audit_log').where({ action: 'user.set_password' }).first('actor_label', 'before', 'after');
    expect(audit).toEqual({ actor_label: user.email, before: null, after: { passwordChanged: true } });
  });
});

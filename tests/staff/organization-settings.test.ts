import { useAppWithStripe } from '../helpers/app-with-stripe';
import { api, bearer, ensureOtherOrganization, signIn, staffUser, type Browserless, submitForm } from './staff-helpers';

const t = useAppWithStripe();
const sessions = {} as Record<'admin' | 'staffOwn' | 'staffOther' | 'sponsor', Browserless>;

beforeAll(async () => {
  await ensureOtherOrganization(t.app.db);
  for (const [who, role, org] of [['admin', 'admin'], ['staffOwn', 'staff', 'demo-network'], ['staffOther', 'staff', 'other-network'], ['sponsor', 'sponsor']] as const) {
    const user = await staffUser(t.app.db, role, org);
    sessions[who] = await signIn(t.app.baseUrl, user.email, user.password);
  }
});

const page = async (who: keyof typeof sessions, route: string) => {
  const res = await fetch(`${t.app.baseUrl}${route}`, { headers: { cookie: sessions[who].cookie }, redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
};

const post = (who: keyof typeof sessions, route: string, form: Record<string, string>) =>
  submitForm(t.app.baseUrl, sessions[who], route, form);

const settingsRow = () => t.app.db('organizations').where({ slug: 'demo-network' })
  .first('embed_origins', 'ask_phone', 'ask_address', 'ask_note', 'retention_years');
const audits = () => t.app.db('audit_log').where({ action: 'organization.update' }).orderBy('id');

describe('organization settings page', () => {
  it('saves origins, asked fields and retention from the form, audited with before and after', async () => {
    const res = await post('staffOwn', '/admin/organizations/demo-network', {
      embed_origins: 'https://network.example\r\n\r\nhttps://Partner.example:8443\n', ask_phone: 'on', retention_years: '10',
    });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/admin/organizations/demo-network?done=saved');
    expect(await settingsRow()).toEqual({
      embed_origins: ['https://network.example', 'https://partner.example:8443'], ask_phone: true, ask_address: false, ask_note: false, retention_years: 10,
    });
    const [audit] = (await audits()).slice(-1);
    expect(audit.actor_label).toMatch(/^staff-/);
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    expect(json(audit.after)).toMatchObject({ embedOrigins: ['https://network.example', 'https://partner.example:8443'], retentionYears: 10 });
    expect(json(audit.before)).toMatchObject({ retentionYears: 7 });
    const shown = await page('staffOwn', '/admin/organizations/demo-network?done=saved');
    expect(shown.html).toContain('https://partner.example:8443');
    expect(shown.html).toContain('The settings are saved.');
  });

  it('the saved origins are the form\'s frame-ancestors', async () => {
    const form = await fetch(`${t.app.baseUrl}/donate/organizer-training`);
    expect(form.headers.get('content-security-policy')).toMatch(/frame-ancestors 'self' https:\/\/network\.example https:\/\/partner\.example:8443/);
  });

  it('refuses a bad origin or retention with a message beside the field, and changes nothing', async () => {
    const before = await settingsRow();
    const auditCount = (await audits()).length;
    for (const bad of ['http://network.example', 'https://network.example/', 'https://*.example', 'https://network.example/donate', 'network.example', 'https://a.example:99999']) {
      const res = await post('staffOwn', '/admin/organizations/demo-network', { embed_origins: `https://ok.example\n${bad}`, retention_years: '7' });
      expect(res.status).toBe(422);
      expect(res.html).toContain('id="embed_origins_error"');
      expect(res.html).toMatch(/must be an exact origin|port outside/);
      expect(res.html).toContain(bad.replace('*', '*'));
    }
    const years = await post('staffOwn', '/admin/organizations/demo-network', { embed_origins: '', retention_years: '51' });
    expect(years.status).toBe(422);
    expect(years.html).toContain('id="retention_years_error"');
    expect(years.html).toContain('must be at most 50');
    expect(await settingsRow()).toEqual(before);
    expect((await audits()).length).toBe(auditCount);
  });

  it('shows the sponsor the settings without a form and refuses a post; another organization\'s staff get 403', async () => {
    const sponsor = await page('sponsor', '/admin/organizations/demo-network');
    expect(sponsor.status).toBe(200);
    expect(sponsor.html).toContain('https://network.example');
    expect(sponsor.html).not.toContain('<form method="post" action="/admin/organizations');
    expect((await post('sponsor', '/admin/organizations/demo-network', { retention_years: '3' })).status).toBe(403);
    expect((await page('staffOther', '/admin/organizations/demo-network')).status).toBe(403);
    expect((await post('staffOther', '/admin/organizations/demo-network', { retention_years: '3' })).status).toBe(403);
    expect((await settingsRow()).retention_years).toBe(10);
    const own = await page('staffOwn', '/admin/organizations');
    expect(own.location).toBe('/admin/organizations/demo-network');
    const all = await page('admin', '/admin/organizations');
    expect(all.html).toContain('/admin/organizations/other-network');
  });

  it('PATCH /api/admin/organizations/:organization validates with field paths and is audited', async () => {
    const admin = await bearer(t.app.db, 'admin');
    const bad = await api(t.app.baseUrl, 'PATCH', '/api/admin/organizations/other-network', admin, { embedOrigins: ['https://x.example/path'], retentionYears: 0 });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(['embedOrigins.0', 'retentionYears']));
    const ok = await api(t.app.baseUrl, 'PATCH', '/api/admin/organizations/other-network', admin, { askNote: false, embedOrigins: ['https://other.example'] });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ organization: 'other-network', askNote: false, embedOrigins: ['https://other.example'] });
    const read = await api(t.app.baseUrl, 'GET', '/api/admin/organizations/other-network', admin);
    expect(read.body).toEqual(ok.body);
    const [audit] = (await audits()).slice(-1);
    expect(audit.actor_label).toMatch(/^token /);
  });
});

describe('new-gift notice settings', () => {
  it('are changed from the form and the API, and a bad address is named', async () => {
    const saved = await post('staffOwn', '/admin/organizations/demo-network', {
      retention_years: '7', staff_notice_emails: 'Coord@Network.example, treasurer@network.example', staff_notice_mode: 'digest',
    });
    expect(saved.status).toBe(303);
    expect(await t.app.db('organizations').where({ slug: 'demo-network' }).first('staff_notice_emails', 'staff_notice_mode'))
      .toEqual({ staff_notice_emails: ['coord@network.example', 'treasurer@network.example'], staff_notice_mode: 'digest' });
    const shown = await page('staffOwn', '/admin/organizations/demo-network');
    expect(shown.html).toContain('value="coord@network.example, treasurer@network.example"');
    expect(shown.html).toMatch(/<option value="digest" selected>/);

    const admin = await bearer(t.app.db, 'admin');
    const bad = await api(t.app.baseUrl, 'PATCH', '/api/admin/organizations/demo-network', admin, { staffNoticeEmails: ['not-an-address'], staffNoticeMode: 'hourly' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(['staffNoticeEmails.0', 'staffNoticeMode']));
    const off = await api(t.app.baseUrl, 'PATCH', '/api/admin/organizations/demo-network', admin, { staffNoticeMode: 'off' });
    expect(off.body).toMatchObject({ staffNoticeMode: 'off', staffNoticeEmails: ['coord@network.example', 'treasurer@network.example'] });
  });
});

import type { MailTransport } from '../../src/email/mail-transport';
import { createOutboxWorker } from '../../src/email/outbox-worker';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { api, bearer, ensureOtherOrganization, PASSWORD, signIn, staffUser } from './staff-helpers';

const t = useAppWithStripe();

/** Sends what is queued through a transport that keeps each message's text, in order. */
async function sendQueued(): Promise<string[]> {
  const texts: string[] = [];
  const transport: MailTransport = { async send(message) { texts.push(message.text); return `<m${texts.length}@test>`; }, close() {} };
  await createOutboxWorker({
    db: t.app.db, transport, renderer: t.app.container.renderer, logger: t.app.container.logger,
    publicUrl: 'http://localhost:3000', mailFrom: 'Colecta <no-reply@localhost>',
  }).drain();
  return texts;
}
let admin: Record<string, string>;

beforeAll(async () => {
  await ensureOtherOrganization(t.app.db);
  admin = await bearer(t.app.db, 'admin');
});

const fieldsOf = (body: { error?: { fields?: Array<{ field: string }> } }) => (body.error?.fields ?? []).map((f) => f.field).sort();

describe('the sponsor', () => {
  it('is the demo sponsor after the demo seed, read by every role, changed by an admin with an audit entry', async () => {
    const sponsorToken = await bearer(t.app.db, 'sponsor');
    const read = await api(t.app.baseUrl, 'GET', '/api/admin/sponsor', sponsorToken);
    expect(read).toMatchObject({ status: 200, body: { legalName: 'Demo Fiscal Sponsor, Inc.', ein: '00-0000000' } });
    const changed = await api(t.app.baseUrl, 'PATCH', '/api/admin/sponsor', admin, {
      legalName: 'Puget Sound Fiscal Sponsor', ein: '91-1234567', receiptStatement: { es: 'Sin bienes ni servicios.' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ legalName: 'Puget Sound Fiscal Sponsor', ein: '91-1234567', receiptStatement: { es: 'Sin bienes ni servicios.' } });
    expect(changed.body.receiptStatement.en).toMatch(/No goods or services/);
    const audit = await t.app.db('audit_log').where({ action: 'sponsor.update' }).orderBy('id', 'desc').first();
    expect(audit.before.ein).toBe('00-0000000');
    expect(audit.after.ein).toBe('91-1234567');
    expect((await api(t.app.baseUrl, 'PATCH', '/api/admin/sponsor', sponsorToken, { ein: '11-1111111' })).status).toBe(403);
  });

  it('refuses a malformed EIN or email by name and changes nothing', async () => {
    const before = (await api(t.app.baseUrl, 'GET', '/api/admin/sponsor', admin)).body;
    const res = await api(t.app.baseUrl, 'PATCH', '/api/admin/sponsor', admin, { ein: '911234567', contactEmail: 'nope', legalName: 'Changed' });
    expect(res.status).toBe(422);
    expect(fieldsOf(res.body)).toEqual(['contactEmail', 'ein']);
    expect((await api(t.app.baseUrl, 'GET', '/api/admin/sponsor', admin)).body).toEqual(before);
  });
});

describe('organizations', () => {
  const create = (body: unknown, who = admin) => api(t.app.baseUrl, 'POST', '/api/admin/organizations', who, body);

  it('creates one with its zone and fees, lists it, and audits it', async () => {
    const res = await create({ slug: 'eastside-chapter', name: 'Eastside Chapter', timeZone: 'America/Chicago', sponsorFeeBps: 500, feeRateBps: 250, feeFixed: 25 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      organization: 'eastside-chapter', timeZone: 'America/Chicago', sponsorFeeBps: 500, feeRateBps: 250, feeFixed: 25, archived: false, hasGifts: false,
    });
    const list = await api(t.app.baseUrl, 'GET', '/api/admin/organizations', admin);
    expect(list.body.data.map((o: { organization: string }) => o.organization)).toEqual(expect.arrayContaining(['demo-network', 'eastside-chapter']));
    expect(await t.app.db('audit_log').where({ action: 'organization.create', entity_id: (await t.app.db('organizations').where({ slug: 'eastside-chapter' }).first('id')).id }).first()).toBeTruthy();
  });

  it('names every malformed field, stores nothing, and answers a slug clash with a 409 naming the slug', async () => {
    const bad = await create({ slug: 'Bad Slug', name: 'X', timeZone: 'Mars/Olympus_Mons', sponsorFeeBps: 10001, feeRateBps: 1.5 });
    expect(bad.status).toBe(422);
    expect(fieldsOf(bad.body)).toEqual(['feeRateBps', 'slug', 'sponsorFeeBps', 'timeZone']);
    expect((await create({ slug: 'offset-zone', name: 'X', timeZone: '+02:00' })).status).toBe(422);
    expect(await t.app.db('organizations').where({ slug: 'offset-zone' }).first()).toBeUndefined();
    const clash = await create({ slug: 'demo-network', name: 'Again', timeZone: 'UTC' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toContain('demo-network');
    expect(await t.app.db('organizations').where({ name: 'Again' }).first()).toBeUndefined();
  });

  it('lets only an admin create one, change its zone or fees, or archive it; its own staff still change its settings', async () => {
    const staff = await bearer(t.app.db, 'staff', 'demo-network');
    expect((await create({ slug: 'by-staff', name: 'By staff', timeZone: 'UTC' }, staff)).status).toBe(403);
    expect((await api(t.app.baseUrl, 'PATCH', '/api/admin/organizations/demo-network', staff, { sponsorFeeBps: 0 })).status).toBe(403);
    expect((await api(t.app.baseUrl, 'PATCH', '/api/admin/organizations/demo-network', staff, { receiptText: { en: 'Thanks!' } })).status).toBe(200);
    const other = await bearer(t.app.db, 'staff', 'other-network');
    expect((await api(t.app.baseUrl, 'GET', '/api/admin/organizations/demo-network', other)).status).toBe(403);
    const list = await api(t.app.baseUrl, 'GET', '/api/admin/organizations', other);
    expect(list.body.data.map((o: { organization: string }) => o.organization)).toEqual(['other-network']);
  });

  it('changes name, zone and fees together or not at all', async () => {
    await create({ slug: 'westside', name: 'Westside', timeZone: 'America/Los_Angeles' });
    const bad = await api(t.app.baseUrl, 'PATCH', '/api/admin/organizations/westside', admin, { name: 'Renamed', timeZone: 'Nowhere/City' });
    expect(bad.status).toBe(422);
    expect(fieldsOf(bad.body)).toEqual(['timeZone']);
    const ok = await api(t.app.baseUrl, 'PATCH', '/api/admin/organizations/westside', admin, {
      name: 'Westside Network', timeZone: 'America/New_York', slug: 'westside-network', retentionYears: 9,
    });
    expect(ok.body).toMatchObject({ organization: 'westside-network', name: 'Westside Network', timeZone: 'America/New_York', retentionYears: 9 });
  });

  it('fixes the slug once the organization has gifts, and an archived organization takes no gifts', async () => {
    const gift = await api(t.app.baseUrl, 'POST', '/api/admin/offline-donations', admin, {
      campaign: 'other-campaign', earmark: 'general', amount: 2500, method: 'cash',
      supporter: { firstName: 'Rosa', lastName: 'Díaz', email: 'rosa@example.org' },
    });
    expect(gift.status).toBe(201);
    const rename = await api(t.app.baseUrl, 'PATCH', '/api/admin/organizations/other-network', admin, { slug: 'renamed-network' });
    expect(rename.status).toBe(409);
    expect(fieldsOf(rename.body)).toEqual(['slug']);
    const archived = await api(t.app.baseUrl, 'PATCH', '/api/admin/organizations/other-network', admin, { archived: true });
    expect(archived.body).toMatchObject({ archived: true, hasGifts: true });
    const checkout = await t.app.postJson('/api/checkout-sessions', {
      campaign: 'other-campaign', earmark: 'general', amount: 2000, frequency: 'once', locale: 'en',
      supporter: { firstName: 'Ana', lastName: 'Pérez', email: 'ana@example.org' },
    });
    expect(checkout.status).toBe(404);
    const form = await fetch(`${t.app.baseUrl}/donate/other-campaign`);
    expect(await form.text()).toContain('not taking gifts');
    await api(t.app.baseUrl, 'PATCH', '/api/admin/organizations/other-network', admin, { archived: false });
  });
});

describe('staff users', () => {
  it('invites by email through the outbox, with a link that sets the password once', async () => {
    const res = await api(t.app.baseUrl, 'POST', '/api/admin/users', admin, { email: 'New.Staff@Example.org', role: 'staff', organization: 'demo-network' });
    expect(res).toMatchObject({ status: 201, body: { email: 'new.staff@example.org', role: 'staff', organization: 'demo-network', status: 'invited' } });
    const queued = await t.app.db('emails').where({ template: 'staff_invitation', recipient: 'new.staff@example.org' });
    expect(queued).toHaveLength(1);
    // The row names the invitation's reset row only: the link is minted when the message is sent.
    expect(queued[0].dedupe_key).toMatch(/^staff_invitation:[0-9a-f-]{36}$/);
    expect(Object.keys(queued[0].data)).not.toContain('link');
    const first = await sendQueued();
    const again = await api(t.app.baseUrl, 'PATCH', `/api/admin/users/${res.body.id}`, admin, { resendInvitation: true });
    expect(again.status).toBe(200);
    const links = [...first, ...(await sendQueued())]
      .map((text) => /\/admin\/reset\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1])
      .filter((token): token is string => token !== undefined);
    expect(links).toHaveLength(2);
    const page = async (token: string) => (await fetch(`${t.app.baseUrl}/admin/reset?token=${token}`)).status;
    expect(await page(links[0] as string)).toBe(410);
    expect(await page(links[1] as string)).toBe(200);
    const audit = await t.app.db('audit_log').where({ entity_id: res.body.id }).orderBy('id').pluck('action');
    expect(audit).toEqual(['user.invite', 'user.reinvite']);
  });

  it('names a bad email, role or organization, and answers a taken address with 409', async () => {
    const bad = await api(t.app.baseUrl, 'POST', '/api/admin/users', admin, { email: 'not-an-email', role: 'owner' });
    expect(bad.status).toBe(422);
    expect(fieldsOf(bad.body)).toEqual(['email', 'role']);
    const noOrg = await api(t.app.baseUrl, 'POST', '/api/admin/users', admin, { email: 'x@example.org', role: 'staff' });
    expect(fieldsOf(noOrg.body)).toEqual(['organization']);
    const unknownOrg = await api(t.app.baseUrl, 'POST', '/api/admin/users', admin, { email: 'x@example.org', role: 'staff', organization: 'nowhere' });
    expect(fieldsOf(unknownOrg.body)).toEqual(['organization']);
    expect(await t.app.db('staff_users').where({ email: 'x@example.org' }).first()).toBeUndefined();
    expect((await api(t.app.baseUrl, 'POST', '/api/admin/users', admin, { email: 'new.staff@example.org', role: 'sponsor' })).status).toBe(409);
  });

  it('refuses a disabled user\'s open session and API token at once, and lets them back when enabled', async () => {
    const user = await staffUser(t.app.db, 'staff', 'demo-network');
    const session = await signIn(t.app.baseUrl, user.email, PASSWORD);
    const created = await api(t.app.baseUrl, 'POST', '/api/admin/tokens', { cookie: session.cookie, 'x-csrf-token': session.csrf }, { role: 'staff' });
    expect(created.status).toBe(201);
    const token = { authorization: `Bearer ${created.body.token}` };
    expect((await api(t.app.baseUrl, 'GET', '/api/admin/campaigns', token)).status).toBe(200);
    const id = (await t.app.db('staff_users').where({ email: user.email }).first('id')).id;
    const disabled = await api(t.app.baseUrl, 'PATCH', `/api/admin/users/${id}`, admin, { disabled: true });
    expect(disabled.body.status).toBe('disabled');
    expect((await api(t.app.baseUrl, 'GET', '/api/admin/campaigns', token)).status).toBe(401);
    expect((await api(t.app.baseUrl, 'GET', '/api/admin/campaigns', { cookie: session.cookie })).status).toBe(401);
    const page = await fetch(`${t.app.baseUrl}/admin/campaigns`, { headers: { cookie: session.cookie }, redirect: 'manual' });
    expect(page.status).toBe(303);
    await api(t.app.baseUrl, 'PATCH', `/api/admin/users/${id}`, admin, { disabled: false });
    expect((await api(t.app.baseUrl, 'GET', '/api/admin/campaigns', token)).status).toBe(200);
  });

  it('keeps the last admin: neither disabled nor demoted', async () => {
    const adminUser = await staffUser(t.app.db, 'admin');
    const id = (await t.app.db('staff_users').where({ email: adminUser.email }).first('id')).id;
    const others = await t.app.db('staff_users').where({ role: 'admin' }).whereNot({ id }).whereNull('disabled_at').pluck('id');
    for (const other of others) await t.app.db('staff_users').where({ id: other }).update({ disabled_at: new Date() });
    const disable = await api(t.app.baseUrl, 'PATCH', `/api/admin/users/${id}`, admin, { disabled: true });
    expect(disable.status).toBe(409);
    expect(disable.body.error.code).toBe('last_admin');
    expect((await api(t.app.baseUrl, 'PATCH', `/api/admin/users/${id}`, admin, { role: 'sponsor' })).status).toBe(409);
    expect((await t.app.db('staff_users').where({ id }).first()).disabled_at).toBeNull();
    const second = await staffUser(t.app.db, 'admin');
    const secondId = (await t.app.db('staff_users').where({ email: second.email }).first('id')).id;
    expect(secondId).toBeTruthy();
    const demoted = await api(t.app.baseUrl, 'PATCH', `/api/admin/users/${id}`, admin, { role: 'staff', organization: 'demo-network' });
    expect(demoted.body).toMatchObject({ role: 'staff', organization: 'demo-network' });
    expect(await t.app.db('audit_log').where({ action: 'user.update', entity_id: id }).first()).toBeTruthy();
  });
});

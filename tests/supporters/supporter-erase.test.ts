import { buildCheckoutBody } from '../factories/checkout-body';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { api, bearer, ensureOtherOrganization, signIn, staffUser } from '../staff/staff-helpers';

const t = useAppWithStripe();

const CONTACT = {
  firstName: 'Xiomara', lastName: 'Quintanilla', email: 'xiomara.q@example.org', phone: '+1 206 555 0199',
  address: { line1: '77 Cedar Hollow', city: 'Tacoma', region: 'WA', postalCode: '98402', country: 'US' },
};
const NOTE = 'Please thank the Tacoma rapid response team';
const OFFLINE_NOTE = 'Handed over at the vigil';
/** Every value the erasure must remove, wherever it was copied. */
const SECRETS = [CONTACT.firstName, CONTACT.lastName, CONTACT.email, CONTACT.phone, CONTACT.address.line1, NOTE, OFFLINE_NOTE, 'manage-token-secret'];

let supporterId = '';
let paymentEntryId = 0;

async function everything() {
  const db = t.app.db;
  return JSON.stringify({
    supporters: await db('supporters').where({ id: supporterId }),
    donations: await db('donations').where({ supporter_id: supporterId }),
    emails: await db('emails'),
    manage: await db('manage_tokens'),
    audit: await db('audit_log'),
  });
}

const ledger = () => t.app.db('ledger_entries').orderBy('id').select('id', 'kind', 'gross', 'fee', 'net', 'currency', 'occurred_at', 'earmark_id', 'campaign_id', 'receipt_number', 'supporter_id');

beforeAll(() => ensureOtherOrganization(t.app.db));

// The Stripe world lives per test: the gift is paid in the first one's.
beforeEach(async () => {
  if (supporterId) return;
  const res = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ amount: 5000, note: NOTE, supporter: CONTACT }));
  const paid = t.stripe.payOneTime(res.body.id);
  await t.app.deliver('checkout.session.completed', paid.session);
  const entry = await t.app.db('ledger_entries').where({ stripe_charge_id: paid.charge.id, kind: 'payment' }).first('id', 'supporter_id', 'receipt_number', 'organization_id');
  paymentEntryId = Number(entry.id);
  supporterId = entry.supporter_id;
  await api(t.app.baseUrl, 'POST', '/api/admin/offline-donations', await bearer(t.app.db, 'admin'), {
    campaign: 'organizer-training', earmark: 'travel', amount: 2500, method: 'cash', note: OFFLINE_NOTE,
    supporter: { firstName: CONTACT.firstName, lastName: CONTACT.lastName, email: CONTACT.email },
  });
  // A sign-in link mailed to them, a delivery that failed quoting the address, and a staff digest naming them.
  const [token] = await t.app.db('manage_tokens').insert({ token_hash: 'h'.repeat(64), email: CONTACT.email, expires_at: new Date(Date.now() + 3_600_000) }).returning('id');
  await t.app.db('emails').insert({
    dedupe_key: `manage:${token.id}`, template: 'manage_link', recipient: CONTACT.email, supporter_id: supporterId,
    organization_id: entry.organization_id, data: JSON.stringify({ token: 'manage-token-secret' }), status: 'sent',
  });
  await t.app.db('emails').where({ supporter_id: supporterId }).where('template', 'like', 'receipt%').first('id')
    .then((row) => t.app.db('emails').where({ id: row.id }).update({ status: 'failed', last_error: `550 ${CONTACT.email} mailbox full` }));
  await t.app.db('emails').insert({
    dedupe_key: 'staff_digest:test', template: 'staff_digest', recipient: 'staff@demo.example', organization_id: entry.organization_id,
    data: JSON.stringify({ day: 'today', count: 1, gifts: [{ receiptNumber: entry.receipt_number, donor: `${CONTACT.firstName} ${CONTACT.lastName}`, campaign: 'x', amount: '$50.00' }] }),
  });
});

describe('a supporter\'s erasure request', () => {
  it('is refused to the sponsor and to another organization\'s staff, changing nothing', async () => {
    const before = await everything();
    expect((await api(t.app.baseUrl, 'POST', `/api/admin/supporters/${supporterId}/erase`, await bearer(t.app.db, 'sponsor'))).status).toBe(403);
    expect((await api(t.app.baseUrl, 'POST', `/api/admin/supporters/${supporterId}/erase`, await bearer(t.app.db, 'staff', 'other-network'))).status).toBe(403);
    expect(await everything()).toBe(before);
    expect(before).toContain(CONTACT.email);
    expect(before).toContain(NOTE);
  });

  it('from the gift page, after a confirmation step, erases every copy of the contact data and leaves ledger and totals as they were', async () => {
    const user = await staffUser(t.app.db, 'staff', 'demo-network');
    const session = await signIn(t.app.baseUrl, user.email, user.password);
    const admin = await bearer(t.app.db, 'admin');
    const ledgerBefore = await ledger();
    const totalsBefore = (await api(t.app.baseUrl, 'GET', '/api/admin/campaigns/organizer-training/totals', admin)).body;
    const progressBefore = (await t.app.getJson('/api/campaigns/organizer-training/progress')).body;

    const giftPage = await (await fetch(`${t.app.baseUrl}/admin/gifts/${paymentEntryId}`, { headers: { cookie: session.cookie } })).text();
    expect(giftPage).toContain(`action="/admin/gifts/${paymentEntryId}/erase"`);
    const form = (extra: Record<string, string> = {}) => ({
      method: 'POST', redirect: 'manual' as const,
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrf, ...extra }).toString(),
    });
    const confirm = await fetch(`${t.app.baseUrl}/admin/gifts/${paymentEntryId}/erase`, form());
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('This cannot be undone');
    expect(await everything()).toContain(CONTACT.email);
    const noCsrf = await fetch(`${t.app.baseUrl}/admin/gifts/${paymentEntryId}/erase/confirm`, { ...form(), body: '' });
    expect(noCsrf.status).toBe(403);
    const done = await fetch(`${t.app.baseUrl}/admin/gifts/${paymentEntryId}/erase/confirm`, form());
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/admin/gifts/${paymentEntryId}?done=supporter-erased`);

    const after = await everything();
    for (const secret of SECRETS) expect(after).not.toContain(secret);
    const supporter = await t.app.db('supporters').where({ id: supporterId }).first();
    expect(supporter).toMatchObject({
      email: `erased-${supporterId}@erased.invalid`, first_name: '', last_name: '', phone: null, address_line1: null,
      erase_reason: 'request', unsubscribe_token: null, email_updates: false,
    });
    expect(await t.app.db('donations').where({ supporter_id: supporterId }).pluck('note')).toEqual([null, null]);
    const emails = await t.app.db('emails').where({ supporter_id: supporterId });
    expect(emails.length).toBeGreaterThan(1);
    for (const e of emails) {
      expect(e.recipient).toBe(`erased-${supporterId}@erased.invalid`);
      expect(e.status).not.toBe('queued');
    }
    expect(await t.app.db('manage_tokens').where({ email: CONTACT.email })).toEqual([]);

    expect(await ledger()).toEqual(ledgerBefore);
    expect((await api(t.app.baseUrl, 'GET', '/api/admin/campaigns/organizer-training/totals', admin)).body).toEqual(totalsBefore);
    expect((await t.app.getJson('/api/campaigns/organizer-training/progress')).body).toEqual(progressBefore);

    const audit = await t.app.db('audit_log').where({ action: 'supporter.erase', entity_id: supporterId });
    expect(audit).toHaveLength(1);
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    expect(parse(audit[0].before)).toEqual({ supporterId });
    expect(parse(audit[0].after)).toMatchObject({ supporterId, reason: 'request', erasedFields: expect.arrayContaining(['supporters.email', 'donations.note']) });
    expect(audit[0].actor_label).toBe(user.email);

    const shown = await (await fetch(`${t.app.baseUrl}/admin/gifts/${paymentEntryId}?done=supporter-erased`, { headers: { cookie: session.cookie } })).text();
    expect(shown).toContain('contact data was erased');
    expect(shown).not.toContain(`action="/admin/gifts/${paymentEntryId}/erase"`);
  });

  it('a second request answers that nothing was left to erase, and writes no second audit row', async () => {
    const res = await api(t.app.baseUrl, 'POST', `/api/admin/supporters/${supporterId}/erase`, await bearer(t.app.db, 'staff', 'demo-network'));
    expect(res).toMatchObject({ status: 200, body: { supporterId, erased: false } });
    expect(await t.app.db('audit_log').where({ action: 'supporter.erase', entity_id: supporterId })).toHaveLength(1);
    expect((await api(t.app.baseUrl, 'POST', '/api/admin/supporters/00000000-0000-4000-8000-000000000000/erase', await bearer(t.app.db, 'admin'))).status).toBe(404);
  });
});

import { buildCheckoutBody } from '../factories/checkout-body';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { api, bearer, ensureOtherOrganization, signIn, staffUser, type Browserless } from './staff-helpers';

const t = useAppWithStripe();
const sessions = {} as Record<'admin' | 'staffOwn' | 'staffOther' | 'sponsor', Browserless>;
let offlineEntryId = 0;

beforeAll(async () => {
  await ensureOtherOrganization(t.app.db);
  const admin = await staffUser(t.app.db, 'admin');
  const own = await staffUser(t.app.db, 'staff', 'demo-network');
  const other = await staffUser(t.app.db, 'staff', 'other-network');
  const sponsor = await staffUser(t.app.db, 'sponsor');
  sessions.admin = await signIn(t.app.baseUrl, admin.email, admin.password);
  sessions.staffOwn = await signIn(t.app.baseUrl, own.email, own.password);
  sessions.staffOther = await signIn(t.app.baseUrl, other.email, other.password);
  sessions.sponsor = await signIn(t.app.baseUrl, sponsor.email, sponsor.password);
  const gift = await api(t.app.baseUrl, 'POST', '/api/admin/offline-donations', await bearer(t.app.db, 'admin'), {
    campaign: 'organizer-training', earmark: 'travel', amount: 4200, method: 'check', checkNumber: '77', anonymous: true,
    supporter: { firstName: 'Inés <b>', lastName: 'Vega', email: 'ines@example.org' },
  });
  offlineEntryId = gift.body.ledgerEntryId;
});

const page = async (who: keyof typeof sessions, route: string) => {
  const res = await fetch(`${t.app.baseUrl}${route}`, { headers: { cookie: sessions[who].cookie }, redirect: 'manual' });
  return { status: res.status, html: await res.text() };
};

describe('/admin pages by role', () => {
  it('shows a campaign and its gifts to its own staff and the sponsor, and 403 with no data to another organization', async () => {
    for (const who of ['admin', 'staffOwn', 'sponsor'] as const) {
      expect((await page(who, '/admin/campaigns/organizer-training')).status).toBe(200);
      expect((await page(who, `/admin/gifts/${offlineEntryId}`)).status).toBe(200);
    }
    for (const route of ['/admin/campaigns/organizer-training', `/admin/gifts/${offlineEntryId}`, '/admin/campaigns/organizer-training/edit']) {
      const res = await page('staffOther', route);
      expect(res.status).toBe(403);
      expect(res.html).not.toMatch(/Vega|Organizer training/);
    }
    const list = await page('staffOther', '/admin/gifts');
    expect(list.status).toBe(200);
    expect(list.html).not.toContain('Vega');
  });

  it('lets the sponsor read but offers no way to change anything, and refuses a change posted anyway', async () => {
    const campaign = await page('sponsor', '/admin/campaigns/organizer-training');
    expect(campaign.html).not.toContain('/edit');
    expect((await page('sponsor', '/admin/offline-gifts/new')).status).toBe(403);
    const res = await fetch(`${t.app.baseUrl}/admin/offline-gifts`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: sessions.sponsor.cookie },
      body: new URLSearchParams({
        _csrf: sessions.sponsor.csrf, target: 'organizer-training:travel', amount: '10.00', method: 'cash',
        first_name: 'A', last_name: 'B', email: 'ab@example.org',
      }).toString(),
    });
    expect(res.status).toBe(403);
  });

  it('shows the audit log to admins only', async () => {
    const audit = await page('admin', '/admin/audit');
    expect(audit.status).toBe(200);
    expect(audit.html).toContain('offline_gift.record');
    for (const who of ['staffOwn', 'sponsor'] as const) expect((await page(who, '/admin/audit')).status).toBe(403);
  });

  it('shows the Stripe events needing attention to admins only, escaping their errors', async () => {
    await t.app.db('stripe_events').insert({
      id: 'evt_attention_1', type: 'charge.refunded', object_id: 'ch_x', livemode: false, stripe_created_at: new Date(),
      attempts: 5, last_error: 'NotYetError: <b>no payment</b>', last_error_at: new Date(),
    });
    let events = await page('admin', '/admin/events');
    expect(events.html).toContain('No event is waiting to be processed.');
    await t.app.db('stripe_events').insert({
      id: 'evt_queued_1', type: 'invoice.paid', object_id: 'in_x', livemode: false, stripe_created_at: new Date(),
      attempts: 0, queued_payload: JSON.stringify({ id: 'evt_queued_1' }), next_attempt_at: new Date(),
    });
    events = await page('admin', '/admin/events');
    expect(events.status).toBe(200);
    expect(events.html).toContain('1 event(s) waiting to be processed');
    expect(events.html).toContain('evt_attention_1');
    expect(events.html).toContain('&lt;b&gt;no payment&lt;/b&gt;');
    for (const who of ['staffOwn', 'sponsor'] as const) expect((await page(who, '/admin/events')).status).toBe(403);
    await t.app.db('stripe_events').where({ id: 'evt_queued_1' }).delete();
  });

  it('escapes what people typed and flags an anonymous gift while naming its supporter', async () => {
    const gift = await page('staffOwn', `/admin/gifts/${offlineEntryId}`);
    expect(gift.html).toContain('Inés &lt;b&gt; Vega');
    expect(gift.html).not.toContain('Inés <b>');
    expect(gift.html).toMatch(/<span class="badge">anonymous<\/span>/);
    const search = await page('staffOwn', '/admin/gifts?q=ines%40example.org');
    expect(search.html).toMatch(/Vega <span class="badge"[^>]*>anonymous<\/span>/);
  });

  it('refunds through a confirmation page that says the ledger waits for Stripe', async () => {
    const checkout = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ amount: 3000, earmark: 'travel' }));
    const paid = t.stripe.payOneTime(checkout.body.id);
    await t.app.deliver('checkout.session.completed', paid.session);
    const entry = await t.app.db('ledger_entries').where({ stripe_charge_id: paid.charge.id }).first('id');
    const post = (route: string, fields: Record<string, string>) => fetch(`${t.app.baseUrl}${route}`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: sessions.staffOwn.cookie },
      body: new URLSearchParams({ _csrf: sessions.staffOwn.csrf, ...fields }).toString(),
    });
    const confirm = await post(`/admin/gifts/${entry.id}/refund`, { amount: '12.50' });
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    expect(html).toContain('The ledger and the totals change only when Stripe confirms the refund');
    expect(html).toContain('name="amount" value="1250"');
    expect(t.stripe.calls('POST', '/v1/refunds')).toHaveLength(0);

    const done = await post(`/admin/gifts/${entry.id}/refund/confirm`, { amount: '1250' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/admin/gifts/${entry.id}?done=refund-requested`);
    expect(t.stripe.calls('POST', '/v1/refunds')[0]?.body).toMatchObject({ charge: paid.charge.id, amount: '1250' });
    const after = await page('staffOwn', `/admin/gifts/${entry.id}?done=refund-requested`);
    expect(after.html).toContain('The ledger changes when Stripe confirms it');
    expect(await t.app.db('ledger_entries').where({ stripe_charge_id: paid.charge.id }).count<{ n: number }>('* as n').first()).toEqual({ n: 1 });
  });
});

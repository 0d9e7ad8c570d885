import { buildCheckoutBody } from '../factories/checkout-body';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { formatMoney } from '../../src/lib/money';
import { api, bearer, signIn, staffUser } from './staff-helpers';

const t = useAppWithStripe();
let admin: Record<string, string>;

beforeAll(async () => {
  admin = await bearer(t.app.db, 'admin');
});

async function oneTime(amount: number, earmark: string, extra: Record<string, unknown> = {}) {
  const res = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ amount, earmark, ...extra }));
  expect(res.status).toBe(201);
  const paid = t.stripe.payOneTime(res.body.id);
  await t.app.deliver('checkout.session.completed', paid.session);
  const entry = await t.app.db('ledger_entries').where({ stripe_charge_id: paid.charge.id, kind: 'payment' }).first('id');
  return { ...paid, entryId: Number(entry.id) };
}

async function offline(amount: number, earmark: string, method: string, extra: Record<string, unknown> = {}) {
  const res = await api(t.app.baseUrl, 'POST', '/api/admin/offline-donations', admin, {
    campaign: 'organizer-training', earmark, amount, method,
    supporter: { firstName: 'Marta', lastName: 'Ruiz', email: 'marta.ruiz@example.org' }, ...extra,
  });
  expect(res.status).toBe(201);
  return res.body as { ledgerEntryId: number; donationId: string; receiptNumber: string };
}

interface Entry { kind: string; gross: number; fee: number; net: number; earmark: string }

/** The test's own arithmetic over the raw ledger rows, independent of the service's SQL. */
async function ledgerSums() {
  const rows: Entry[] = await t.app.db('ledger_entries as l').join('earmarks as e', 'e.id', 'l.earmark_id')
    .join('campaigns as c', 'c.id', 'l.campaign_id').where('c.slug', 'organizer-training')
    .select('l.kind', 'l.gross', 'l.fee', 'l.net', 'e.code as earmark');
  const sum = (list: Entry[], f: (e: Entry) => number) => list.reduce((total, e) => total + f(e), 0);
  const earmarks: Record<string, number> = {};
  for (const e of rows) earmarks[e.earmark] = (earmarks[e.earmark] ?? 0) + e.gross;
  return {
    count: rows.length,
    raised: sum(rows, (e) => e.gross),
    gross: sum(rows.filter((e) => e.kind === 'payment' || e.kind === 'offline'), (e) => e.gross),
    fees: sum(rows, (e) => e.fee),
    net: sum(rows, (e) => e.net),
    refunded: -sum(rows.filter((e) => e.kind === 'refund'), (e) => e.gross),
    earmarks,
  };
}

describe('campaign totals', () => {
  it('agree, on a varied ledger, with the public progress, the dashboard and a sum over ledger_entries', async () => {
    const a = await oneTime(5000, 'travel');
    await oneTime(2500, 'training_fees', { coverFees: true });
    const c = await oneTime(4000, 'training_fees', { anonymous: true });
    // A monthly gift: two installments paid.
    const monthly = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ frequency: 'monthly', amount: 1500, earmark: 'travel' }));
    const started = t.stripe.startSubscription(monthly.body.id, { start: new Date('2026-09-15T12:00:00Z') });
    await t.app.deliver('checkout.session.completed', started.session);
    await t.app.deliver('invoice.paid', started.invoice);
    await t.app.deliver('invoice.paid', t.stripe.invoice(started.subscription, 2).invoice);
    // Refunds: part of one gift, all of another.
    await t.app.deliver('charge.refunded', t.stripe.refund(a.charge.id, 1200).charge);
    await t.app.deliver('charge.refunded', t.stripe.refund(c.charge.id, 4000).charge);
    // Offline: a check and cash, on two earmarks.
    await offline(10000, 'travel', 'check', { checkNumber: '1042', receivedOn: '2026-10-02' });
    await offline(3300, 'housing_meals', 'cash');

    const expected = await ledgerSums();
    expect(expected.count).toBe(9);
    const totals = await api(t.app.baseUrl, 'GET', '/api/admin/campaigns/organizer-training/totals', admin);
    expect(totals.status).toBe(200);
    expect(totals.body).toMatchObject({
      raised: expected.raised, gross: expected.gross, fees: expected.fees, net: expected.net, refunded: expected.refunded,
      disputed: 0, entries: expected.count,
    });
    for (const e of totals.body.earmarks as Array<{ code: string; raised: number }>) {
      expect(e.raised).toBe(expected.earmarks[e.code] ?? 0);
    }
    const months = (totals.body.months as Array<{ raised: number }>).reduce((s, m) => s + m.raised, 0);
    expect(months).toBe(expected.raised);
    expect(totals.body.frequencies.once.raised + totals.body.frequencies.monthly.raised).toBe(expected.raised);
    expect(totals.body.frequencies.monthly.raised).toBe(3000);
    expect(totals.body.monthlySupporters).toEqual({ active: 1, failing: 0, ended: 0 });

    const progress = await t.app.getJson('/api/campaigns/organizer-training/progress');
    expect(progress.body.raised).toBe(expected.raised);
    for (const e of progress.body.earmarks as Array<{ code: string; raised: number }>) {
      expect(e.raised).toBe(expected.earmarks[e.code] ?? 0);
    }

    const user = await staffUser(t.app.db, 'staff', 'demo-network');
    const s = await signIn(t.app.baseUrl, user.email, user.password);
    const html = await (await fetch(`${t.app.baseUrl}/admin/campaigns/organizer-training`, { headers: { cookie: s.cookie } })).text();
    const raisedCard = /<div class="card" id="raised">Raised <b>([^<]+)<\/b>/.exec(html)?.[1];
    expect(raisedCard).toBe(formatMoney(expected.raised, 'usd', 'en-US'));
    expect(html).toContain('<svg');
    const snippet = (/id="embed-snippet">([^<]*)<\/textarea>/.exec(html)?.[1] ?? '')
      .replace(/&quot;/g, '"').replace(/&#x3D;/g, '=').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
    expect(snippet).toBe('<script src="http://localhost:3000/embed.js" data-campaign="organizer-training"></script>');
    // The anonymous gift shows who gave it, flagged.
    expect(html).toMatch(/Pérez <span class="badge"[^>]*>anonymous<\/span>/);

    const monthlyPage = await (await fetch(`${t.app.baseUrl}/admin/campaigns/organizer-training/monthly?state=active`, { headers: { cookie: s.cookie } })).text();
    const row = /<tbody>([\s\S]*?)<\/tbody>/.exec(monthlyPage)?.[1] ?? '';
    expect(row.match(/<tr>/g)).toHaveLength(1);
    expect(row).toMatch(/\$15\.00[\s\S]*<td>2<\/td>[\s\S]*\$30\.00[\s\S]*active/);
    const ended = await (await fetch(`${t.app.baseUrl}/admin/campaigns/organizer-training/monthly?state=ended`, { headers: { cookie: s.cookie } })).text();
    expect(ended).toContain('No monthly supporters ended.');
  });
});

describe('offline gifts', () => {
  it('records a check with its number and a receipt number, reusing the supporter, and audits it', async () => {
    const first = await offline(7500, 'general', 'check', { checkNumber: '2001' });
    const second = await offline(2500, 'general', 'bank_transfer');
    expect(first.receiptNumber).toMatch(/^\d{4}-\d{6}$/);
    expect(second.receiptNumber).not.toBe(first.receiptNumber);
    const entry = await t.app.db('ledger_entries').where({ id: first.ledgerEntryId }).first();
    expect(entry).toMatchObject({ kind: 'offline', gross: 7500, fee: 0, net: 7500, check_number: '2001', payment_method: 'check' });
    const donation = await t.app.db('donations').where({ id: first.donationId }).first();
    expect(donation).toMatchObject({ status: 'paid', frequency: 'once', amount: 7500 });
    const supporters = await t.app.db('supporters').where({ email: 'marta.ruiz@example.org' }).count<{ n: number }>('* as n').first();
    expect(Number(supporters?.n)).toBe(1);
    const audit = await t.app.db('audit_log').where({ entity_type: 'ledger_entry', entity_id: String(first.ledgerEntryId) }).first();
    expect(audit).toMatchObject({ action: 'offline_gift.record', actor_label: expect.stringMatching(/^token clt_/), before: null });
    expect(audit.after).toMatchObject({ amount: 7500, receiptNumber: first.receiptNumber });
  });

  it('refuses a check without its number, naming the field', async () => {
    const res = await api(t.app.baseUrl, 'POST', '/api/admin/offline-donations', admin, {
      campaign: 'organizer-training', earmark: 'general', amount: 100, method: 'check',
      supporter: { firstName: 'A', lastName: 'B', email: 'ab@example.org' },
    });
    expect(res).toMatchObject({ status: 422, body: { error: { fields: [{ field: 'checkNumber' }] } } });
  });
});

describe('refunds from the staff workspace', () => {
  it('asks Stripe for the refund and changes the ledger only when charge.refunded arrives', async () => {
    const gift = await oneTime(6000, 'travel');
    const before = await t.app.db('ledger_entries').where({ stripe_charge_id: gift.charge.id }).select('kind', 'gross');
    const res = await api(t.app.baseUrl, 'POST', `/api/admin/ledger/${gift.entryId}/refund`, admin, { amount: 2000 });
    expect(res.status).toBe(202);
    expect(res.body.message).toMatch(/ledger changes when Stripe confirms/);
    const [call] = t.stripe.calls('POST', '/v1/refunds');
    expect(call?.body).toMatchObject({ charge: gift.charge.id, amount: '2000' });
    expect(call?.idempotencyKey).toBe(`refund-${gift.entryId}-0-2000`);
    // A double click is the same refund at Stripe.
    const again = await api(t.app.baseUrl, 'POST', `/api/admin/ledger/${gift.entryId}/refund`, admin, { amount: 2000 });
    expect(again.body.refundId).toBe(res.body.refundId);

    expect(await t.app.db('ledger_entries').where({ stripe_charge_id: gift.charge.id }).select('kind', 'gross')).toEqual(before);
    await t.app.deliver('charge.refunded', t.stripe.get(gift.charge.id));
    const after = await t.app.db('ledger_entries').where({ stripe_charge_id: gift.charge.id }).orderBy('id').select('kind', 'gross', 'stripe_refund_id');
    expect(after).toEqual([
      { kind: 'payment', gross: 6000, stripe_refund_id: null },
      { kind: 'refund', gross: -2000, stripe_refund_id: res.body.refundId },
    ]);
    const tooMuch = await api(t.app.baseUrl, 'POST', `/api/admin/ledger/${gift.entryId}/refund`, admin, { amount: 4001 });
    expect(tooMuch.status).toBe(422);
    const rest = await api(t.app.baseUrl, 'POST', `/api/admin/ledger/${gift.entryId}/refund`, admin, {});
    expect(rest).toMatchObject({ status: 202, body: { amount: 4000 } });
  });

  it('refuses to refund an offline gift through Stripe', async () => {
    const gift = await offline(1000, 'general', 'cash');
    const res = await api(t.app.baseUrl, 'POST', `/api/admin/ledger/${gift.ledgerEntryId}/refund`, admin, {});
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'not_refundable' } } });
    expect(t.stripe.calls('POST', '/v1/refunds')).toHaveLength(0);
  });
});

describe('gifts search', () => {
  it('finds by name, email, receipt number and Stripe id, filters by kind, and pages with an opaque cursor', async () => {
    const gift = await oneTime(1111, 'housing_meals', { supporter: { firstName: 'Zoila', lastName: 'Quintana', email: 'zq@example.org' } });
    const receipt = (await t.app.db('ledger_entries').where({ id: gift.entryId }).first('receipt_number')).receipt_number;
    for (const q of ['zoila quint', 'ZQ@example', receipt, gift.charge.id]) {
      const res = await api(t.app.baseUrl, 'GET', `/api/admin/donations?q=${encodeURIComponent(q)}`, admin);
      expect(res.body.data.map((e: { id: number }) => e.id)).toEqual([gift.entryId]);
    }
    const offlineOnly = await api(t.app.baseUrl, 'GET', '/api/admin/donations?kind=offline&limit=200', admin);
    expect(offlineOnly.body.data.every((e: { kind: string }) => e.kind === 'offline')).toBe(true);

    const seen: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { body: { data: Array<{ id: number }>; nextCursor: string | null } } =
        await api(t.app.baseUrl, 'GET', `/api/admin/donations?limit=3${cursor ? `&cursor=${cursor}` : ''}`, admin);
      seen.push(...page.body.data.map((e) => e.id));
      cursor = page.body.nextCursor;
    }
    const all = await t.app.db('ledger_entries').orderBy('id', 'desc').pluck('id');
    expect(seen).toEqual(all.map(Number));
    expect((await api(t.app.baseUrl, 'GET', '/api/admin/donations?cursor=bm90LWEtY3Vyc29y', admin)).status).toBe(422);
  });
});

describe('campaign changes', () => {
  it('writes the audit log with before and after in the same change', async () => {
    const cachedBefore = await t.app.getJson('/api/campaigns/organizer-training/progress');
    expect(cachedBefore.body.goal).toBe(650000);
    const res = await api(t.app.baseUrl, 'PATCH', '/api/admin/campaigns/organizer-training', admin, {
      goal: 700000, earmarks: [{ code: 'travel', label: { en: 'Travel and transit', es: 'Viajes' }, goal: 250000 }],
    });
    expect(res.status).toBe(200);
    expect(res.body.earmarks.find((e: { code: string }) => e.code === 'travel')).toMatchObject({ goal: 250000, label: { en: 'Travel and transit' } });
    const audit = await api(t.app.baseUrl, 'GET', '/api/admin/audit', admin);
    const change = audit.body.data.find((e: { action: string }) => e.action === 'campaign.update');
    expect(change.before.goal).toBe(650000);
    expect(change.after.goal).toBe(700000);
    // The cached public progress shows the edit at once.
    const progress = await t.app.getJson('/api/campaigns/organizer-training/progress?lang=en');
    expect(progress.body.goal).toBe(700000);
    expect(progress.body.earmarks.find((e: { code: string }) => e.code === 'travel')).toMatchObject({ label: 'Travel and transit', goal: 250000 });
  });
});

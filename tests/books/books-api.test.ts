import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { addEntry, buildCampaign, buildDonation, buildOrganization, buildSupporter, fakeStripeId, type OrgRef } from '../factories/ledger-world';
import { asObjects, getCsv, tokenFor } from '../exports/export-client';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { recordPayout } from '../../src/exports/payout-reconciliation';
import { createLogger } from '../../src/lib/logger';

let app: TestApp;
let org: OrgRef;
let admin: string;
const payoutId = 'po_test_books_api';

const run = promisify(execFile);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- error bodies are whatever JSON the app sent
const json = async (res: Response): Promise<any> => res.json();

/** PDF text through pdf.js, in a Node process of its own: pdf.js is an ES module, which these CommonJS tests cannot import. */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const file = path.join(os.tmpdir(), `statement-${process.pid}-${Date.now()}.pdf`);
  fs.writeFileSync(file, bytes);
  const script = `import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
    import fs from 'node:fs';
    const doc = await getDocument({ data: new Uint8Array(fs.readFileSync(process.argv[1])) }).promise;
    let text = '';
    for (let p = 1; p <= doc.numPages; p += 1) text += (await (await doc.getPage(p)).getTextContent()).items.map((i) => i.str).join(' ');
    process.stdout.write(text);`;
  try {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, file], { cwd: path.resolve(__dirname, '../..'), env: { ...process.env, NODE_OPTIONS: '' } });
    return stdout;
  } finally {
    fs.rmSync(file, { force: true });
  }
}

beforeAll(async () => {
  app = await startTestApp();
  admin = await tokenFor(app.db, 'admin');
  org = await buildOrganization(app.db, { timeZone: 'America/Los_Angeles', slug: 'books-network' });
  await app.db('organizations').where({ id: org.id }).update({ sponsor_fee_bps: 800 });
  const campaign = await buildCampaign(app.db, org, { earmark: 'travel' });
  const once = await buildDonation(app.db, campaign, await buildSupporter(app.db, org));
  const monthly = await buildDonation(app.db, campaign, await buildSupporter(app.db, org), { frequency: 'monthly' });
  const charge = fakeStripeId('ch');
  const bt1 = fakeStripeId('txn');
  const bt2 = fakeStripeId('txn');
  await addEntry(app.db, once, { kind: 'payment', gross: 10000, fee: 320, occurredAt: new Date('2026-11-03T18:00:00Z'), stripeChargeId: charge, stripeBalanceTransactionId: bt1 });
  await addEntry(app.db, once, { kind: 'refund', gross: -2500, fee: 0, occurredAt: new Date('2026-11-04T18:00:00Z'), stripeChargeId: charge, stripeRefundId: 're_books', stripeBalanceTransactionId: bt2 });
  await addEntry(app.db, monthly, { kind: 'payment', gross: 3000, fee: 117, occurredAt: new Date('2026-11-05T18:00:00Z'), stripeChargeId: fakeStripeId('ch') });
  // 2026-12-01 03:00 UTC is still November in Los Angeles.
  await addEntry(app.db, once, { kind: 'offline', gross: 5000, fee: 0, occurredAt: new Date('2026-12-01T03:00:00Z'), paymentMethod: 'check', checkNumber: '1042' });
  await addEntry(app.db, once, { kind: 'offline', gross: 1000, fee: 0, occurredAt: new Date('2026-12-01T09:00:00Z'), paymentMethod: 'cash' });
  const transactions = [
    { id: bt1, amount: 10000, fee: 320, net: 9680, currency: 'usd', type: 'charge', sourceId: charge },
    { id: bt2, amount: -2500, fee: 0, net: -2500, currency: 'usd', type: 'refund', sourceId: 're_books' },
    { id: 'txn_books_fee', amount: -200, fee: 0, net: -200, currency: 'usd', type: 'stripe_fee', sourceId: null },
  ];
  await app.db.transaction((tx) => recordPayout(tx, createLogger('silent'), {
    payout: { id: payoutId, amount: 6980, currency: 'usd', arrivalDate: new Date('2026-11-10T00:00:00Z'), status: 'paid' }, transactions,
  }));
}, 60_000);
afterAll(() => app.close());

describe('GET /api/admin/exports/statement.csv and .pdf', () => {
  it("gives the organization's month in its time zone by earmark and source, with the sponsor fee, in CSV and PDF", async () => {
    const answer = await getCsv(app, '/api/admin/exports/statement.csv?organization=books-network&month=2026-11', admin);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toBe('attachment; filename="statement-books-network-2026-11.csv"');
    const rows = asObjects(answer.records).map((r) => [r.section, r.earmark, r.source, r.gifts, r.gross, r.refunds, r.disputes, r.processor_fees, r.sponsor_fee, r.net_to_organization]);
    expect(rows).toEqual([
      // 8% of 100.00 is 8.00; the quarter refunded takes back 2.00
      ['earmark', 'travel', 'one_time', '1', '100.00', '-25.00', '0.00', '3.20', '6.00', '65.80'],
      ['earmark', 'travel', 'monthly', '1', '30.00', '0.00', '0.00', '1.17', '2.40', '26.43'],
      ['earmark', 'travel', 'check', '1', '50.00', '0.00', '0.00', '0.00', '4.00', '46.00'],
      ['by_source', '', 'one_time', '1', '100.00', '-25.00', '0.00', '3.20', '6.00', '65.80'],
      ['by_source', '', 'monthly', '1', '30.00', '0.00', '0.00', '1.17', '2.40', '26.43'],
      ['by_source', '', 'check', '1', '50.00', '0.00', '0.00', '0.00', '4.00', '46.00'],
      ['total', '', '', '3', '180.00', '-25.00', '0.00', '4.37', '12.40', '138.23'],
    ]);
    const december = asObjects((await getCsv(app, '/api/admin/exports/statement.csv?organization=books-network&month=2026-12', admin)).records);
    expect(december.map((r) => [r.section, r.source, r.gross])).toEqual([['earmark', 'cash', '10.00'], ['by_source', 'cash', '10.00'], ['total', '', '10.00']]);

    const pdf = await fetch(`${app.baseUrl}/api/admin/exports/statement.pdf?organization=books-network&month=2026-11&lang=es`, { headers: { authorization: `Bearer ${admin}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = await pdfText(new Uint8Array(await pdf.arrayBuffer()));
    expect(text).toContain('Estado de cuenta: Org books-network');
    expect(text).toContain('noviembre de 2026');
    expect(text).toContain('Cheques');
    expect(text).toContain('$138.23');
  });

  it('answers 422 naming the field, 404 for no such organization, and 403 to staff of another organization', async () => {
    const bad = await app.getJson('/api/admin/exports/statement.csv?organization=books-network&month=2026-13');
    expect(bad.status).toBe(401);
    const res = await fetch(`${app.baseUrl}/api/admin/exports/statement.csv?organization=books-network&month=2026-13`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(422);
    expect((await json(res)).error.fields).toEqual([{ field: 'month', message: 'must be a month as YYYY-MM' }]);
    expect((await getCsv(app, '/api/admin/exports/statement.csv?organization=nobody&month=2026-11', admin)).status).toBe(404);
    const other = await tokenFor(app.db, 'staff', 'demo-network');
    expect((await getCsv(app, '/api/admin/exports/statement.csv?organization=books-network&month=2026-11', other)).status).toBe(403);
    const own = await tokenFor(app.db, 'staff', 'books-network');
    expect((await getCsv(app, '/api/admin/exports/statement.csv?organization=books-network&month=2026-11', own)).status).toBe(200);
  });
});

describe('GET /api/admin/exports/journal.csv', () => {
  it('posts a payout as one balanced deposit equal to the bank amount, in the accounts the admin named', async () => {
    const patch = await fetch(`${app.baseUrl}/api/admin/books/accounts`, {
      method: 'PATCH', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ accounts: { earmarks: { travel: { name: 'Restricted Contributions:Travel', code: '4010' } } } }),
    });
    expect(patch.status).toBe(200);
    expect((await json(patch)).accounts.earmarks.travel).toEqual({ name: 'Restricted Contributions:Travel', code: '4010' });

    const qbo = await getCsv(app, `/api/admin/exports/journal.csv?format=quickbooks&payout=${payoutId}`, admin);
    expect(qbo.status).toBe(200);
    expect(qbo.records).toEqual([
      ['Journal No.', 'Journal Date', 'Account Name', 'Debits', 'Credits', 'Description', 'Name', 'Currency Code'],
      [payoutId, '11/10/2026', 'Checking', '69.80', '', `Stripe payout ${payoutId}`, '', 'USD'],
      [payoutId, '11/10/2026', 'Merchant Fees', '3.20', '', 'Stripe fees on these gifts, refunds and disputes', '', 'USD'],
      [payoutId, '11/10/2026', 'Restricted Contributions:Travel', '', '69.00', 'Org books-network: Travel', '', 'USD'],
      [payoutId, '11/10/2026', 'Fiscal Sponsorship Fee Income', '', '6.00', 'Fiscal sponsorship fee', '', 'USD'],
      [payoutId, '11/10/2026', 'Stripe Clearing', '2.00', '', 'Other Stripe balance activity in this payout', '', 'USD'],
    ]);

    const xero = asObjects((await getCsv(app, '/api/admin/exports/journal.csv?format=xero&from=2026-11-01&to=2026-11-30', admin)).records);
    expect(xero.map((r) => [r['*Narration'], r['*Date'], r['*AccountCode'], r['*TaxRate'], r['*Amount']])).toEqual([
      [`Stripe payout ${payoutId} (USD)`, '10/11/2026', '1000', 'Tax Exempt', '69.80'],
      [`Stripe payout ${payoutId} (USD)`, '10/11/2026', '6150', 'Tax Exempt', '3.20'],
      [`Stripe payout ${payoutId} (USD)`, '10/11/2026', '4010', 'Tax Exempt', '-69.00'],
      [`Stripe payout ${payoutId} (USD)`, '10/11/2026', '4900', 'Tax Exempt', '-6.00'],
      [`Stripe payout ${payoutId} (USD)`, '10/11/2026', '1150', 'Tax Exempt', '2.00'],
      // the check is its own deposit, on its day in the organization's time zone
      [expect.stringMatching(/^Check 1042, ledger entry \d+ \(USD\)$/), '30/11/2026', '1000', 'Tax Exempt', '50.00'],
      [expect.stringMatching(/^Check 1042/), '30/11/2026', '4010', 'Tax Exempt', '-46.00'],
      [expect.stringMatching(/^Check 1042/), '30/11/2026', '4900', 'Tax Exempt', '-4.00'],
    ]);
  });

  it('refuses staff (a payout holds every organization), a request with both a range and a payout, and a sponsor changing accounts', async () => {
    const own = await tokenFor(app.db, 'staff', 'books-network');
    expect((await getCsv(app, `/api/admin/exports/journal.csv?format=xero&payout=${payoutId}`, own)).status).toBe(403);
    const sponsor = await tokenFor(app.db, 'sponsor');
    expect((await getCsv(app, `/api/admin/exports/journal.csv?format=xero&payout=${payoutId}`, sponsor)).status).toBe(200);
    const both = await fetch(`${app.baseUrl}/api/admin/exports/journal.csv?format=xero&payout=${payoutId}&from=2026-11-01&to=2026-11-02`, { headers: { authorization: `Bearer ${admin}` } });
    expect(both.status).toBe(422);
    expect((await json(both)).error.fields[0].field).toBe('from');
    const change = await fetch(`${app.baseUrl}/api/admin/books/accounts`, {
      method: 'PATCH', headers: { authorization: `Bearer ${sponsor}`, 'content-type': 'application/json' }, body: JSON.stringify({ xeroTaxRate: 'GST Free' }),
    });
    expect(change.status).toBe(403);
    const badName = await fetch(`${app.baseUrl}/api/admin/books/accounts`, {
      method: 'PATCH', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ accounts: { bank: { name: 'Checking, main', code: '1000' } } }),
    });
    expect(badName.status).toBe(422);
    expect((await json(badName)).error.fields).toEqual([{ field: 'accounts.bank.name', message: 'must not contain a comma' }]);
    const read = await fetch(`${app.baseUrl}/api/admin/books/accounts`, { headers: { authorization: `Bearer ${own}` } });
    expect(read.status).toBe(403);
  });

  it('lists the statement, journal and accounts routes in the OpenAPI document, the files with their media types', async () => {
    const doc = (await app.getJson('/api/openapi.json')).body;
    expect(Object.keys(doc.paths['/api/admin/exports/statement.csv'].get.responses['200'].content)).toEqual(['text/csv']);
    expect(Object.keys(doc.paths['/api/admin/exports/statement.pdf'].get.responses['200'].content)).toEqual(['application/pdf']);
    expect(doc.paths['/api/admin/exports/journal.csv'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['format', 'from', 'to', 'payout', 'bom']);
    expect(Object.keys(doc.paths['/api/admin/books/accounts'])).toEqual(['get', 'patch']);
  });
});

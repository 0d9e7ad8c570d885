import { useAppWithStripe } from '../helpers/app-with-stripe';
import { api, bearer, signIn, staffUser, submitForm, type Browserless } from './staff-helpers';

const t = useAppWithStripe();
const sessions = {} as Record<'admin' | 'sponsor' | 'staffOwn', Browserless>;

beforeAll(async () => {
  for (const [who, role] of [['admin', 'admin'], ['sponsor', 'sponsor'], ['staffOwn', 'staff']] as const) {
    const user = await staffUser(t.app.db, role, role === 'staff' ? 'demo-network' : undefined);
    sessions[who] = await signIn(t.app.baseUrl, user.email, user.password);
  }
  await t.app.db('organizations').where({ slug: 'demo-network' }).update({ sponsor_fee_bps: 600 });
  await api(t.app.baseUrl, 'POST', '/api/admin/offline-donations', await bearer(t.app.db, 'admin'), {
    campaign: 'organizer-training', earmark: 'travel', amount: 4200, method: 'check', checkNumber: '77', receivedOn: '2026-11-02',
    supporter: { firstName: 'Ana', lastName: 'Books', email: 'ana.books@example.org' },
  });
});

const get = async (who: keyof typeof sessions, route: string) => {
  const res = await fetch(`${t.app.baseUrl}${route}`, { headers: { cookie: sessions[who].cookie }, redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
};

describe('/admin/books', () => {
  it("shows an organization's statement with its sponsor fee and links to its CSV and PDFs", async () => {
    const page = await get('sponsor', '/admin/books?organization=demo-network&month=2026-11');
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/admin/books"');
    expect(page.text).toMatch(/<td>Checks<\/td><td class="num">1<\/td><td class="num">\$42\.00<\/td>/);
    expect(page.text).toContain('$2.52'); // 6% of 42.00
    expect(page.text).toContain('$39.48');
    // Handlebars writes = as &#x3D; in attributes; a browser reads both the same
    expect(page.text.replace(/&#x3D;/g, '=')).toContain('href="/api/admin/exports/statement.pdf?organization=demo-network&amp;month=2026-11&amp;lang=es"');
    expect(page.text).not.toContain('<script');
    // the sponsor reads the accounts but has no form to change them
    expect(page.text).toContain('Merchant Fees');
    expect(page.text).not.toContain('action="/admin/books/accounts"');
  });

  it("gives staff their own organization's statement and neither journals nor accounts", async () => {
    const page = await get('staffOwn', '/admin/books?month=2026-11');
    expect(page.status).toBe(200);
    expect(page.text).toContain('$42.00');
    expect(page.text).not.toContain('/admin/books/journal');
    expect(page.text).not.toContain('Merchant Fees');
  });

  it('lets an admin rename the accounts and sends the journal form to the journal file with only its filled fields', async () => {
    const form = await get('admin', '/admin/books');
    expect(form.text).toContain('action="/admin/books/accounts"');
    const saved = await submitForm(t.app.baseUrl, sessions.admin, '/admin/books/accounts', {
      bank_name: 'Operating Checking', bank_code: '1010', stripeClearing_name: 'Stripe Clearing', stripeClearing_code: '1150',
      processorFees_name: 'Merchant Fees', processorFees_code: '6150', sponsorFeeIncome_name: 'Admin Fee Income', sponsorFeeIncome_code: '4900',
      income_name: 'Contributions', income_code: '4000', earmark_codes: 'housing_meals,travel', earmark_travel_name: 'Travel Grants', earmark_travel_code: '4020',
      earmark_housing_meals_name: '', earmark_housing_meals_code: '', xero_tax_rate: 'Tax Exempt',
    });
    expect(saved.status).toBe(303);
    const accounts = await api(t.app.baseUrl, 'GET', '/api/admin/books/accounts', await bearer(t.app.db, 'sponsor'));
    expect(accounts.body.accounts.bank).toEqual({ name: 'Operating Checking', code: '1010' });
    expect(accounts.body.accounts.earmarks).toEqual({ travel: { name: 'Travel Grants', code: '4020' } });
    expect(await t.app.db('audit_log').where({ action: 'books.settings' }).count({ n: '*' }).first()).toEqual({ n: expect.anything() });

    const bad = await submitForm(t.app.baseUrl, sessions.admin, '/admin/books/accounts', { bank_name: '', bank_code: '1010', xero_tax_rate: 'x' });
    expect(bad.status).toBe(422);

    const journal = await get('admin', `/admin/books/journal?${new URLSearchParams({ format: 'quickbooks', from: '2026-11-01', to: '2026-11-30', payout: '' })}`);
    expect(journal.status).toBe(303);
    expect(journal.location).toBe('/api/admin/exports/journal.csv?format=quickbooks&from=2026-11-01&to=2026-11-30');
    const file = await get('admin', journal.location as string);
    expect(file.text.split('\r\n')[1]).toMatch(/^offline-\d+,11\/02\/2026,Operating Checking,42\.00,,Check 77,,USD$/);
    expect(file.text).toContain(',Travel Grants,,39.48,');
  });
});

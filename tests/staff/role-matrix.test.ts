import { buildCheckoutBody } from '../factories/checkout-body';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { api, bearer, ensureOtherOrganization, staffUser } from './staff-helpers';

const t = useAppWithStripe();

type Who = 'anonymous' | 'admin' | 'staffOwn' | 'staffOther' | 'sponsor';
/**
 * org: about the demo organization's records; list: a listing filtered to what the caller may see;
 * admin: admins only; books: the whole deployment's money, for admins and the sponsor only.
 */
type Scope = 'org' | 'list' | 'admin' | 'books';

interface Case {
  readonly name: string;
  readonly method: string;
  readonly write: boolean;
  readonly scope: Scope;
  readonly ok: number;
  readonly path: () => Promise<string> | string;
  readonly body?: (n: number) => unknown;
}

let paymentEntryId = 0;
let n = 0;

/** A paid Stripe gift in this test's Stripe world; returns its payment entry's id. */
async function paidGift(): Promise<number> {
  const res = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ amount: 5000, earmark: 'travel' }));
  const paid = t.stripe.payOneTime(res.body.id);
  await t.app.deliver('checkout.session.completed', paid.session);
  const entry = await t.app.db('ledger_entries').where({ stripe_charge_id: paid.charge.id, kind: 'payment' }).first('id');
  return Number(entry.id);
}

const offlineGift = () => ({
  campaign: 'organizer-training', earmark: 'travel', amount: 2500, method: 'cash',
  supporter: { firstName: 'Rosa', lastName: 'Díaz', email: 'rosa@example.org' },
});

const CASES: Case[] = [
  { name: 'list campaigns', method: 'GET', write: false, scope: 'list', ok: 200, path: () => '/api/admin/campaigns' },
  { name: 'read a campaign', method: 'GET', write: false, scope: 'org', ok: 200, path: () => '/api/admin/campaigns/organizer-training' },
  {
    name: 'create a campaign', method: 'POST', write: true, scope: 'org', ok: 201, path: () => '/api/admin/campaigns',
    body: (i) => ({
      slug: `matrix-${i}`, organization: 'demo-network', title: { en: 'Matrix', es: 'Matriz' },
      earmarks: [{ code: 'general', label: { en: 'General', es: 'General' } }],
    }),
  },
  {
    name: 'change a campaign', method: 'PATCH', write: true, scope: 'org', ok: 200, path: () => '/api/admin/campaigns/organizer-training',
    body: (i) => ({ goal: 650000 + i }),
  },
  { name: 'campaign totals', method: 'GET', write: false, scope: 'org', ok: 200, path: () => '/api/admin/campaigns/organizer-training/totals' },
  { name: 'search gifts', method: 'GET', write: false, scope: 'list', ok: 200, path: () => '/api/admin/donations' },
  { name: 'search a campaign\'s gifts', method: 'GET', write: false, scope: 'org', ok: 200, path: () => '/api/admin/donations?campaign=organizer-training' },
  { name: 'read a ledger entry', method: 'GET', write: false, scope: 'org', ok: 200, path: () => `/api/admin/ledger/${paymentEntryId}` },
  { name: 'record an offline gift', method: 'POST', write: true, scope: 'org', ok: 201, path: () => '/api/admin/offline-donations', body: offlineGift },
  { name: 'refund', method: 'POST', write: true, scope: 'org', ok: 202, path: async () => `/api/admin/ledger/${await paidGift()}/refund`, body: () => ({ amount: 100 }) },
  { name: 'list tokens', method: 'GET', write: false, scope: 'list', ok: 200, path: () => '/api/admin/tokens' },
  {
    name: 'create a token', method: 'POST', write: true, scope: 'org', ok: 201, path: () => '/api/admin/tokens',
    body: () => ({ role: 'staff', organization: 'demo-network', label: 'matrix' }),
  },
  {
    name: 'revoke a token', method: 'DELETE', write: true, scope: 'org', ok: 200,
    path: async () => {
      const created = await api(t.app.baseUrl, 'POST', '/api/admin/tokens', headers.admin, { role: 'staff', organization: 'demo-network' });
      return `/api/admin/tokens/${created.body.id}`;
    },
  },
  { name: 'read organization settings', method: 'GET', write: false, scope: 'org', ok: 200, path: () => '/api/admin/organizations/demo-network' },
  {
    name: 'change organization settings', method: 'PATCH', write: true, scope: 'org', ok: 200, path: () => '/api/admin/organizations/demo-network',
    body: () => ({ retentionYears: 7 }),
  },
  {
    name: 'erase a supporter', method: 'POST', write: true, scope: 'org', ok: 200,
    path: async () => {
      n += 1;
      const gift = await api(t.app.baseUrl, 'POST', '/api/admin/offline-donations', headers.admin, {
        ...offlineGift(), supporter: { firstName: 'Erase', lastName: 'Me', email: `erase-${n}@example.org` },
      });
      const entry = await t.app.db('ledger_entries').where({ id: gift.body.ledgerEntryId }).first('supporter_id');
      return `/api/admin/supporters/${entry.supporter_id}/erase`;
    },
  },
  { name: 'read the audit log', method: 'GET', write: false, scope: 'admin', ok: 200, path: () => '/api/admin/audit' },
  { name: 'read the sponsor', method: 'GET', write: false, scope: 'list', ok: 200, path: () => '/api/admin/sponsor' },
  {
    name: 'change the sponsor', method: 'PATCH', write: true, scope: 'admin', ok: 200, path: () => '/api/admin/sponsor',
    body: () => ({ address: '100 Main Street, Seattle, WA 98101' }),
  },
  { name: 'list organizations', method: 'GET', write: false, scope: 'list', ok: 200, path: () => '/api/admin/organizations' },
  {
    name: 'create an organization', method: 'POST', write: true, scope: 'admin', ok: 201, path: () => '/api/admin/organizations',
    body: (i) => ({ slug: `matrix-org-${i}`, name: `Matrix ${i}`, timeZone: 'America/Denver' }),
  },
  {
    name: 'change an organization\'s zone and fees', method: 'PATCH', write: true, scope: 'admin', ok: 200,
    path: () => '/api/admin/organizations/demo-network', body: () => ({ timeZone: 'America/Los_Angeles', sponsorFeeBps: 0 }),
  },
  { name: 'list users', method: 'GET', write: false, scope: 'admin', ok: 200, path: () => '/api/admin/users' },
  {
    name: 'invite a user', method: 'POST', write: true, scope: 'admin', ok: 201, path: () => '/api/admin/users',
    body: (i) => ({ email: `matrix-${i}@example.org`, role: 'staff', organization: 'demo-network' }),
  },
  {
    name: 'change a user', method: 'PATCH', write: true, scope: 'admin', ok: 200,
    path: async () => {
      const user = await staffUser(t.app.db, 'staff', 'demo-network');
      return `/api/admin/users/${(await t.app.db('staff_users').where({ email: user.email }).first('id')).id}`;
    },
    body: () => ({ disabled: true }),
  },
  { name: 'export donations', method: 'GET', write: false, scope: 'list', ok: 200, path: () => '/api/admin/exports/donations.csv?from=2020-01-01&to=2030-12-31' },
  {
    name: 'export a campaign\'s organization\'s donations', method: 'GET', write: false, scope: 'org', ok: 200,
    path: () => '/api/admin/exports/donations.csv?from=2020-01-01&to=2030-12-31&organization=demo-network',
  },
  { name: 'export payouts', method: 'GET', write: false, scope: 'books', ok: 200, path: () => '/api/admin/exports/payouts.csv' },
  { name: 'read a payout', method: 'GET', write: false, scope: 'books', ok: 404, path: () => '/api/admin/payouts/po_matrix_missing' },
  {
    name: 'an organization\'s statement', method: 'GET', write: false, scope: 'org', ok: 200,
    path: () => '/api/admin/exports/statement.csv?organization=demo-network&month=2026-11',
  },
  {
    name: 'an organization\'s statement as PDF', method: 'GET', write: false, scope: 'org', ok: 200,
    path: () => '/api/admin/exports/statement.pdf?organization=demo-network&month=2026-11',
  },
  { name: 'a journal', method: 'GET', write: false, scope: 'books', ok: 200, path: () => '/api/admin/exports/journal.csv?format=xero&from=2026-11-01&to=2026-11-30' },
  { name: 'read the journal accounts', method: 'GET', write: false, scope: 'books', ok: 200, path: () => '/api/admin/books/accounts' },
  {
    name: 'change the journal accounts', method: 'PATCH', write: true, scope: 'admin', ok: 200, path: () => '/api/admin/books/accounts',
    body: () => ({}),
  },
  {
    name: 'post a progress update', method: 'POST', write: true, scope: 'org', ok: 201, path: () => '/api/admin/campaigns/organizer-training/updates',
    body: (i) => ({ title: { en: `Update ${i}` }, body: { en: 'We booked the buses.' } }),
  },
  { name: 'list Stripe events needing attention', method: 'GET', write: false, scope: 'admin', ok: 200, path: () => '/api/admin/stripe-events/attention' },
  { name: 'count the Stripe events waiting in the queue', method: 'GET', write: false, scope: 'admin', ok: 200, path: () => '/api/admin/stripe-events/queue' },
  { name: 'list what an earmark paid for', method: 'GET', write: false, scope: 'org', ok: 200, path: () => '/api/admin/campaigns/organizer-training/earmarks/travel/uses' },
  {
    name: 'record what an earmark paid for', method: 'POST', write: true, scope: 'org', ok: 201,
    path: () => '/api/admin/campaigns/organizer-training/earmarks/travel/uses',
    body: (i) => ({ text: { en: `Bus ticket ${i}`, es: `Boleto ${i}` }, amount: 9500 }),
  },
  {
    name: 'remove what an earmark paid for', method: 'DELETE', write: true, scope: 'org', ok: 200,
    path: async () => {
      const created = await api(t.app.baseUrl, 'POST', '/api/admin/campaigns/organizer-training/earmarks/travel/uses', headers.admin,
        { text: { en: 'Matrix use', es: 'Uso de matriz' } });
      return `/api/admin/campaigns/organizer-training/earmarks/travel/uses/${created.body.id}`;
    },
  },
];

const headers = {} as Record<Who, Record<string, string>>;

function expected(who: Who, c: Case): number {
  if (who === 'anonymous') return 401;
  if (who === 'admin') return c.ok;
  if (c.scope === 'admin') return 403;
  if (c.scope === 'books') return who === 'sponsor' && !c.write ? c.ok : 403;
  if (who === 'sponsor') return c.write ? 403 : c.ok;
  if (who === 'staffOwn') return c.ok;
  return c.scope === 'list' ? c.ok : 403;
}

beforeAll(async () => {
  await ensureOtherOrganization(t.app.db);
  headers.anonymous = {};
  headers.admin = await bearer(t.app.db, 'admin');
  headers.staffOwn = await bearer(t.app.db, 'staff', 'demo-network');
  headers.staffOther = await bearer(t.app.db, 'staff', 'other-network');
  headers.sponsor = await bearer(t.app.db, 'sponsor');
});

beforeEach(async () => {
  if (!paymentEntryId) paymentEntryId = await paidGift();
});

describe('every /api/admin route against every role', () => {
  const whos: Who[] = ['anonymous', 'admin', 'staffOwn', 'staffOther', 'sponsor'];
  for (const c of CASES) {
    for (const who of whos) {
      it(`${c.name}: ${who} gets ${expected(who, c)}`, async () => {
        n += 1;
        const path = await c.path();
        const res = await api(t.app.baseUrl, c.method, path, headers[who], c.body?.(n));
        expect({ status: res.status, body: res.body }).toMatchObject({ status: expected(who, c) });
        if (res.status >= 400) {
          // A refusal carries no data: only the error.
          expect(Object.keys(res.body)).toEqual(['error']);
        }
        if (who === 'staffOther' && res.status === 200) {
          expect(JSON.stringify(res.body)).not.toMatch(/organizer-training|demo-network/);
        }
      });
    }
  }

  it('lists every route of the table in the OpenAPI document, with the JSON schema of its body', async () => {
    const doc = await t.app.getJson('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    const operations = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    for (const c of CASES) {
      if (c.name === 'refund' || c.name === 'revoke a token' || c.name === 'erase a supporter' || c.name === 'change a user') continue;
      const path = (await c.path()).split('?')[0]?.replace(/\/\d+(?=\/|$)/, '/{id}').replace(/tokens\/[0-9a-f-]{36}/, 'tokens/{id}')
        .replace(/payouts\/po_\w+/, 'payouts/{id}')
        .replace('/campaigns/organizer-training', '/campaigns/{campaign}').replace('/organizations/demo-network', '/organizations/{organization}')
        .replace('/earmarks/travel/', '/earmarks/{earmark}/').replace(/uses\/[0-9a-f-]{36}$/, 'uses/{id}');
      expect(operations).toContain(`${c.method} ${path}`);
    }
    expect(operations).toEqual(expect.arrayContaining([
      'POST /api/admin/ledger/{id}/refund', 'DELETE /api/admin/tokens/{id}', 'POST /api/admin/supporters/{id}/erase',
      'GET /api/admin/organizations/{organization}', 'PATCH /api/admin/organizations/{organization}',
      'GET /api/admin/sponsor', 'PATCH /api/admin/sponsor', 'GET /api/admin/organizations', 'POST /api/admin/organizations',
      'GET /api/admin/users', 'POST /api/admin/users', 'PATCH /api/admin/users/{id}',
    ]));
    const offline = doc.body.paths['/api/admin/offline-donations'].post.requestBody.content['application/json'].schema;
    expect(offline.properties.method.enum).toEqual(['check', 'cash', 'bank_transfer']);
    expect(offline.required).toEqual(expect.arrayContaining(['campaign', 'earmark', 'amount', 'method', 'supporter']));
  });
});

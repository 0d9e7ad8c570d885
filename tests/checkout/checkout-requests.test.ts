import { buildCheckoutBody } from '../factories/checkout-body';
import { StripeWorld } from '../helpers/stripe-world';
import { startTestApp, type TestApp } from '../helpers/test-app';

let app: TestApp;
let stripe: StripeWorld;

beforeAll(async () => {
  app = await startTestApp();
  const demo = await app.db('campaigns').where({ slug: 'organizer-training' }).first();
  const { id: _id, slug: _slug, created_at: _created, ...copy } = demo;
  await app.db('campaigns').insert([
    { ...copy, slug: 'closed-campaign', status: 'closed' },
    { ...copy, slug: 'draft-campaign', status: 'draft' },
    { ...copy, slug: 'ended-campaign', ends_at: new Date('2020-01-01T00:00:00Z'), starts_at: new Date('2019-01-01T00:00:00Z') },
    { ...copy, slug: 'once-only', monthly_enabled: false, min_amount: 500, max_amount: 50000 },
  ]);
  for (const slug of ['closed-campaign', 'draft-campaign', 'ended-campaign', 'once-only']) {
    const campaign = await app.db('campaigns').where({ slug }).first('id');
    await app.db('earmarks').insert({ campaign_id: campaign.id, code: 'general', label_en: 'General', label_es: 'General' });
  }
});
afterAll(async () => {
  await app.close();
});
beforeEach(() => {
  stripe = new StripeWorld();
});
afterEach(() => stripe.close());

const post = (overrides: Record<string, unknown>) => app.postJson('/api/checkout-sessions', buildCheckoutBody(overrides));
const supporter = (overrides: Record<string, unknown>) => ({ ...(buildCheckoutBody().supporter as object), ...overrides });

describe('POST /api/checkout-sessions refuses bad fields with one message each, before Stripe', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['amount as text', { amount: '20.00' }, 'amount'],
    ['amount with a fraction of a cent', { amount: 20.5 }, 'amount'],
    ['amount of zero', { amount: 0 }, 'amount'],
    ['negative amount', { amount: -100 }, 'amount'],
    ['amount under 1.00', { amount: 99 }, 'amount'],
    ['amount over 10,000.00', { amount: 1_000_001 }, 'amount'],
    ['a currency that is not the campaign\'s', { currency: 'eur' }, 'currency'],
    ['a malformed currency', { currency: 'dollars' }, 'currency'],
    ['an unknown frequency', { frequency: 'weekly' }, 'frequency'],
    ['installments on a one-time gift', { frequency: 'once', installments: 3 }, 'installments'],
    ['one installment', { frequency: 'monthly', installments: 1 }, 'installments'],
    ['61 installments', { frequency: 'monthly', installments: 61 }, 'installments'],
    ['installments as a fraction', { frequency: 'monthly', installments: 2.5 }, 'installments'],
    ['a locale we do not speak', { locale: 'fr' }, 'locale'],
    ['coverFees as text', { coverFees: 'yes' }, 'coverFees'],
    ['anonymous as a number', { anonymous: 1 }, 'anonymous'],
    ['emailUpdates as text', { emailUpdates: 'true' }, 'emailUpdates'],
    ['a note of 501 characters', { note: 'x'.repeat(501) }, 'note'],
    ['a bad campaign slug', { campaign: 'Robert\'); DROP TABLE' }, 'campaign'],
    ['a bad earmark code', { earmark: '<script>' }, 'earmark'],
    ['no supporter', { supporter: undefined }, 'supporter'],
    ['no first name', { supporter: supporter({ firstName: '  ' }) }, 'supporter.firstName'],
    ['no last name', { supporter: supporter({ lastName: undefined }) }, 'supporter.lastName'],
    ['a bad email', { supporter: supporter({ email: 'ana-at-example.org' }) }, 'supporter.email'],
    ['a bad phone', { supporter: supporter({ phone: 'call me' }) }, 'supporter.phone'],
    ['an address without a city', { supporter: supporter({ address: { line1: '1 Main', postalCode: '98101', country: 'US' } }) }, 'supporter.address.city'],
    ['a bad country', { supporter: supporter({ address: { line1: '1 Main', city: 'X', postalCode: '1', country: 'USA' } }) }, 'supporter.address.country'],
  ];

  it.each(cases)('422 for %s', async (_name, overrides, field) => {
    const res = await post(overrides);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.fields).toEqual([{ field, message: expect.any(String) }]);
    expect(stripe.requests).toHaveLength(0);
  });

  it('names every bad field at once', async () => {
    const res = await app.postJson('/api/checkout-sessions', { campaign: 'organizer-training', amount: 'x', supporter: { email: 'no' } });
    expect(res.status).toBe(422);
    expect(res.body.error.fields.map((f: { field: string }) => f.field)).toEqual(
      ['amount', 'supporter.firstName', 'supporter.lastName', 'supporter.email'],
    );
  });

  it('400 for a body that is not JSON', async () => {
    const res = await fetch(`${app.baseUrl}/api/checkout-sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"amount":' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
  });

  it.each([['unknown-campaign'], ['closed-campaign'], ['draft-campaign'], ['ended-campaign']])(
    '404 for the campaign %s', async (campaign) => {
      const res = await post({ campaign, earmark: 'general' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('campaign_not_found');
      expect(stripe.requests).toHaveLength(0);
    },
  );

  it('404 for an earmark the campaign does not have', async () => {
    const res = await post({ earmark: 'fundraising_gala' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('earmark_not_found');
  });

  it('applies the campaign\'s own limits and refuses monthly where it is off', async () => {
    expect((await post({ campaign: 'once-only', earmark: 'general', amount: 499 })).body.error.fields[0].field).toBe('amount');
    expect((await post({ campaign: 'once-only', earmark: 'general', amount: 50_001 })).status).toBe(422);
    expect((await post({ campaign: 'once-only', earmark: 'general', frequency: 'monthly' })).body.error.fields[0].field).toBe('frequency');
    expect((await post({ campaign: 'once-only', earmark: 'general', amount: 500 })).status).toBe(201);
  });
});

describe('POST /api/checkout-sessions with a valid body', () => {
  it('accepts the limits themselves, defaults the earmark to where most needed, and writes the donation first', async () => {
    expect((await post({ amount: 100 })).status).toBe(201);
    expect((await post({ amount: 1_000_000 })).status).toBe(201);
    const res = await post({ earmark: undefined });
    expect(res.status).toBe(201);
    const donation = await app.db('donations as d').join('earmarks as e', 'e.id', 'd.earmark_id')
      .where('d.stripe_checkout_session_id', res.body.id).first('e.code', 'd.id', 'd.status');
    expect(donation).toMatchObject({ code: 'general', status: 'pending' });
    const create = stripe.calls('POST', '/v1/checkout/sessions').at(-1);
    expect(create?.body['metadata[donation_id]']).toBe(donation.id);
  });

  it('keeps one supporter per email per organization across gifts', async () => {
    const email = 'Repeat.Giver@Example.org';
    await post({ supporter: supporter({ email, phone: undefined }) });
    await post({ supporter: supporter({ email, firstName: 'Ana María' }), emailUpdates: false });
    const rows = await app.db('supporters').where({ email: email.toLowerCase() });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ first_name: 'Ana María', email_updates: true });
  });

  it('answers 502 when Stripe cannot open the session, and marks the donation failed', async () => {
    stripe.failNext.set('/v1/checkout/sessions', 1);
    const res = await post({ amount: 4321 });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('payment_provider_unavailable');
    expect(await app.db('donations').where({ amount: 4321 }).first('status')).toEqual({ status: 'failed' });
  });
});

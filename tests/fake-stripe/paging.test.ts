import { createStripeGateway } from '../../src/stripe/stripe-gateway';
import { FakeStripe } from './fake-stripe';
import { serveOverHttp, type StripeServer } from './over-http';

let server: StripeServer | undefined;
afterEach(async () => {
  await server?.close();
});

/** A payout of `count` transactions created a second apart (the last the newest), amid `others` of other payouts. */
function payoutOf(fake: FakeStripe, count: number, others = 0) {
  const made = (prefix: string, n: number) => Array.from({ length: n }, (_, i) =>
    fake.balanceTransaction(`txn_${prefix}${String(i).padStart(5, '0')}`, { amount: 100 + i, created: 1795400000 + i }));
  fake.payout({ id: 'po_other', amount: 1 }, made('other', others));
  const transactions = made('p', count);
  const payout = fake.payout({ id: 'po_paged', amount: 1, balance_transaction: 'txn_withdrawal' }, transactions);
  // Newest first: the withdrawal (created with the payout), then the transactions latest first.
  return { payout, ids: ['txn_withdrawal', ...transactions.map((t) => t.id).reverse()] };
}

describe('the fake Stripe\'s lists, paged as Stripe\'s list API pages', () => {
  it('answers balance transactions by payout newest first, 10 by default, with has_more and either cursor', async () => {
    const fake = new FakeStripe();
    const { ids } = payoutOf(fake, 24, 5);
    server = await serveOverHttp(fake);
    const get = async (query: string) => {
      const res = await fetch(`${server?.url}/v1/balance_transactions?payout=po_paged${query}`);
      const body = await res.json() as { data?: Array<{ id: string }>; has_more?: boolean; url?: string; error?: { message: string; param?: string } };
      return { status: res.status, ids: body.data?.map((bt) => bt.id), hasMore: body.has_more, url: body.url, error: body.error };
    };

    expect(await get('')).toEqual({ status: 200, ids: ids.slice(0, 10), hasMore: true, url: '/v1/balance_transactions', error: undefined });
    expect(await get(`&limit=10&starting_after=${ids[9]}`)).toMatchObject({ ids: ids.slice(10, 20), hasMore: true });
    expect(await get(`&limit=10&starting_after=${ids[19]}`)).toMatchObject({ ids: ids.slice(20), hasMore: false });
    expect(await get(`&limit=3&ending_before=${ids[20]}`)).toMatchObject({ ids: ids.slice(17, 20), hasMore: true });
    expect(await get(`&limit=3&ending_before=${ids[2]}`)).toMatchObject({ ids: ids.slice(0, 2), hasMore: false });
    expect(await get('&limit=100')).toMatchObject({ ids, hasMore: false });

    expect(await get('&limit=101')).toMatchObject({ status: 400, error: { param: 'limit' } });
    expect(await get('&limit=0')).toMatchObject({ status: 400, error: { param: 'limit' } });
    expect(await get('&starting_after=txn_other00001')).toMatchObject({ status: 400, error: { param: 'starting_after' } });
    expect((await fetch(`${server.url}/v1/balance_transactions?payout=po_nobody`)).status).toBe(400);
    expect((await fetch(`${server.url}/v1/payouts/po_paged`)).status).toBe(200);
  });

  it('pages for the SDK\'s auto-pagination, records each page asked for, and fails the pages it is told to', async () => {
    const fake = new FakeStripe();
    const { ids } = payoutOf(fake, 250);
    server = await serveOverHttp(fake);
    const gateway = createStripeGateway({ secretKey: 'sk_test_fake', webhookSecret: 'whsec_fake', apiBase: server.url, maxNetworkRetries: 0 });

    expect((await gateway.listPayoutBalanceTransactions('po_paged')).map((bt) => bt.id)).toEqual(ids);
    expect(fake.pages).toEqual([
      { payout: 'po_paged', limit: '100', startingAfter: null },
      { payout: 'po_paged', limit: '100', startingAfter: ids[99] },
      { payout: 'po_paged', limit: '100', startingAfter: ids[199] },
    ]);
    expect(server.requests.get('GET /v1/balance_transactions')).toBe(3);

    fake.failRequests('/v1/balance_transactions', 2);
    await expect(gateway.listPayoutBalanceTransactions('po_paged')).rejects.toThrow(/Stripe is having a moment/);
    expect(fake.pages.slice(3).map((p) => p.startingAfter)).toEqual([null, ids[99]]);
    expect(await gateway.listPayoutBalanceTransactions('po_paged')).toHaveLength(251);
  });

  it('costs a page, not the store: no request walks the objects, and each reads only the objects it answers with', () => {
    const fake = new FakeStripe({ recordRequests: false });
    const { ids } = payoutOf(fake, 1_000, 2_000);
    const url = (after: string) => new URL(`https://api.stripe.com/v1/balance_transactions?payout=po_paged&limit=100&starting_after=${after}`);
    fake.answer('GET', url(ids[0] as string), {});
    const store = fake.objects;
    for (const walk of ['values', 'keys', 'entries', 'forEach', Symbol.iterator] as const) {
      Object.defineProperty(store, walk, { value: () => { throw new Error(`a list walked the store (${String(walk)})`); } });
    }
    const get = jest.spyOn(store, 'get');
    const answer = fake.answer('GET', url(ids[500] as string), {});
    expect((answer.body as { data: Array<{ id: string }> }).data.map((bt) => bt.id)).toEqual(ids.slice(501, 601));
    // The payout itself, then the hundred answered.
    expect(get).toHaveBeenCalledTimes(101);
  });
});

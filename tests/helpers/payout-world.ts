import nock from 'nock';
import { fixture, type StripeObject } from '../fixtures/stripe';

export interface PageRequest {
  readonly payout: string | null;
  readonly limit: string | null;
  readonly startingAfter: string | null;
}

/**
 * Stripe's payouts and the balance transactions each paid out, behind nock: answers
 * GET /v1/payouts/:id and GET /v1/balance_transactions?payout=…&limit=…&starting_after=…
 * one page at a time, as Stripe's list API does (newest first, has_more, cursor by id).
 */
export class PayoutWorld {
  readonly pages: PageRequest[] = [];
  /** Pages to answer with a 500 (counted from the next page asked for): Stripe having a moment. */
  failPageNumbers = new Set<number>();
  private readonly payouts = new Map<string, StripeObject>();
  private readonly transactions = new Map<string, StripeObject[]>();
  private readonly scope: nock.Scope;

  constructor() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- nock's reply callback binds its own `this`
    const world = this;
    this.scope = nock('https://api.stripe.com').persist()
      .get(/^\/v1\/(payouts\/[^/?]+|balance_transactions)(\?.*)?$/)
      .reply(function (uri) {
        return world.route(new URL(uri, 'https://api.stripe.com'));
      });
  }

  close(): void {
    this.scope.persist(false);
    nock.cleanAll();
  }

  addPayout(overrides: Record<string, unknown>, transactions: StripeObject[]): StripeObject {
    const payout = fixture('payout', overrides);
    const own = fixture('balance_transaction', {
      id: payout.balance_transaction, amount: -(payout.amount as number), fee: 0, net: -(payout.amount as number),
      type: 'payout', reporting_category: 'payout', source: payout.id, fee_details: [],
    });
    this.payouts.set(payout.id, payout);
    this.transactions.set(payout.id, [own, ...transactions]);
    return payout;
  }

  private route(url: URL): [number, unknown] {
    const id = /^\/v1\/payouts\/(.+)$/.exec(url.pathname)?.[1];
    if (id) {
      const payout = this.payouts.get(id);
      return payout ? [200, payout] : [404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such payout: '${id}'` } }];
    }
    const payout = url.searchParams.get('payout');
    const limit = Number(url.searchParams.get('limit') ?? 10);
    const after = url.searchParams.get('starting_after');
    this.pages.push({ payout, limit: url.searchParams.get('limit'), startingAfter: after });
    if (this.failPageNumbers.delete(this.pages.length)) return [500, { error: { type: 'api_error', message: 'Stripe is having a moment' } }];
    const all = this.transactions.get(payout ?? '') ?? [];
    const start = after ? all.findIndex((bt) => bt.id === after) + 1 : 0;
    const data = all.slice(start, start + Math.min(limit, 100));
    return [200, { object: 'list', data, has_more: start + data.length < all.length, url: '/v1/balance_transactions' }];
  }
}

export function balanceTransaction(id: string, overrides: Record<string, unknown>): StripeObject {
  const amount = (overrides.amount as number | undefined) ?? 2000;
  const fee = (overrides.fee as number | undefined) ?? 0;
  return fixture('balance_transaction', { id, status: 'available', net: amount - fee, ...overrides });
}

import type { StripeObject } from '../fixtures/stripe';
import { reconcilePayout } from '../../src/exports/payout-reconciliation';
import { createLogger } from '../../src/lib/logger';
import { createStripeGateway } from '../../src/stripe/stripe-gateway';
import {
  addEntry, buildCampaign, buildDonation, buildOrganization, buildSupporter, fakeStripeId, type DonationRef,
} from '../factories/ledger-world';
import { StripeWorld } from '../helpers/stripe-world';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { asObjects, getCsv, tokenFor } from './export-client';

let app: TestApp;
let stripe: StripeWorld;
let donation: DonationRef;
beforeAll(async () => {
  app = await startTestApp();
  const org = await buildOrganization(app.db);
  const campaign = await buildCampaign(app.db, org);
  donation = await buildDonation(app.db, campaign, await buildSupporter(app.db, org));
});
afterAll(() => app.close());
beforeEach(() => {
  stripe = new StripeWorld();
});
afterEach(() => stripe.close());

const gateway = () => createStripeGateway({ secretKey: 'sk_test_colecta', webhookSecret: 'whsec_unused', maxNetworkRetries: 0 });

/** `count` ledger entries (mostly payments, a refund and a dispute), each with the balance transaction Stripe pays out. */
async function ledgerWithTransactions(count: number): Promise<{ transactions: StripeObject[]; entryIds: number[]; net: number }> {
  const transactions: StripeObject[] = [];
  const entryIds: number[] = [];
  let net = 0;
  for (let i = 0; i < count; i += 1) {
    const txn = fakeStripeId('txn');
    const [kind, gross, fee, type] = i === 1 ? ['refund', -1000, 0, 'refund'] as const
      : i === 2 ? ['dispute', -1500, 1500, 'adjustment'] as const
      : ['payment', 2000 + i, 88, 'charge'] as const;
    entryIds.push(await addEntry(app.db, donation, {
      kind, gross, fee, occurredAt: new Date('2026-11-02T18:00:00Z'), stripeChargeId: fakeStripeId('ch'), stripeBalanceTransactionId: txn,
    }));
    transactions.push(stripe.balanceTransaction(txn, { amount: gross, fee, type }));
    net += gross - fee;
  }
  return { transactions, entryIds, net };
}

async function tables(payoutId: string) {
  return {
    payout: await app.db('payouts').where({ id: payoutId }).first(),
    links: await app.db('payout_balance_transactions').where({ payout_id: payoutId }).orderBy('balance_transaction_id'),
  };
}

// Each test first appends up to 230 entries through the real ledger service, one transaction
// each: seconds on a quiet machine, much longer on a loaded one. Not a timing test.
jest.setTimeout(120_000);

describe('payout reconciliation', () => {
  it('on payout.paid reads every page of the payout\'s balance transactions and links each to its ledger entry', async () => {
    const { transactions, entryIds, net } = await ledgerWithTransactions(230);
    const unknown = stripe.balanceTransaction(fakeStripeId('txn'), { amount: 777, fee: 53, type: 'charge', source: 'ch_not_ours' });
    const payout = stripe.payout({ id: 'po_test_threepages', amount: net + 724 }, [...transactions, unknown]);

    const eventId = await app.deliver('payout.paid', payout);

    // 232 transactions (230 known, 1 unknown, the payout's own) in pages of 100, each after the last.
    expect(stripe.pages).toHaveLength(3);
    expect(stripe.pages.map((p) => [p.payout, p.limit])).toEqual(Array(3).fill(['po_test_threepages', '100']));
    expect(stripe.pages[0]?.startingAfter).toBeNull();
    expect(stripe.pages[1]?.startingAfter).toBe(transactions[98]?.id);
    expect(stripe.pages[2]?.startingAfter).toBe(transactions[198]?.id);

    const { payout: row, links } = await tables('po_test_threepages');
    expect(row).toMatchObject({ amount: net + 724, currency: 'usd', status: 'paid' });
    expect(new Date(row.arrival_date).toISOString()).toBe('2026-11-28T00:00:00.000Z');
    expect(links).toHaveLength(231);
    expect(links.filter((l) => l.ledger_entry_id === null).map((l) => l.balance_transaction_id)).toEqual([unknown.id]);
    expect(new Set(links.map((l) => l.ledger_entry_id).filter((id) => id !== null))).toEqual(new Set(entryIds));

    const sponsor = await tokenFor(app.db, 'sponsor');
    const detail = await fetch(`${app.baseUrl}/api/admin/payouts/po_test_threepages`, { headers: { authorization: `Bearer ${sponsor}` } });
    expect(detail.status).toBe(200);
    expect(await detail.json()).toMatchObject({
      payout: {
        id: 'po_test_threepages', amount: net + 724, currency: 'usd', arrivalDate: '2026-11-28', transactions: 231, matched: 230,
        unmatched: 1, entriesNet: net, difference: 724,
      },
      unmatched: [{ balanceTransactionId: unknown.id, type: 'charge', sourceId: 'ch_not_ours', amount: 777, fee: 53, net: 724, currency: 'usd' }],
    });

    const payouts = asObjects((await getCsv(app, '/api/admin/exports/payouts.csv?from=2026-11-01&to=2026-11-30', sponsor)).records);
    expect(payouts).toEqual([expect.objectContaining({
      payout_id: 'po_test_threepages', arrival_date: '2026-11-28', status: 'paid', currency: 'USD',
      amount: ((net + 724) / 100).toFixed(2), entries_net: (net / 100).toFixed(2), difference: '7.24', transactions: '231', unmatched: '1',
    })]);

    const donations = asObjects((await getCsv(app, '/api/admin/exports/donations.csv?from=2026-11-02&to=2026-11-02', sponsor)).records);
    expect(donations).toHaveLength(230);
    expect(donations.every((d) => d.stripe_payout_id === 'po_test_threepages')).toBe(true);

    // Stripe delivers the event again, and then a second event for the same payout: nothing changes.
    const before = await tables('po_test_threepages');
    expect((await app.sendEvent('payout.paid', payout, { id: eventId })).body.outcome).toBe('duplicate');
    await app.deliver('payout.paid', payout);
    expect(await tables('po_test_threepages')).toEqual(before);
  });

  it('links an entry recorded after the payout when the payout is reconciled again from the command line', async () => {
    const { transactions } = await ledgerWithTransactions(2);
    const late = fakeStripeId('txn');
    const lateTransaction = stripe.balanceTransaction(late, { amount: 3000, fee: 117, type: 'charge' });
    const payout = stripe.payout({ id: 'po_test_late', amount: 5000 }, [...transactions, lateTransaction]);
    await app.deliver('payout.paid', payout);
    expect((await tables('po_test_late')).links.filter((l) => l.ledger_entry_id === null)).toHaveLength(1);

    const entry = await addEntry(app.db, donation, {
      kind: 'payment', gross: 3000, fee: 117, occurredAt: new Date('2026-11-03T18:00:00Z'), stripeChargeId: fakeStripeId('ch'),
      stripeBalanceTransactionId: late,
    });
    const summary = await reconcilePayout({ db: app.db, gateway: gateway(), logger: createLogger('silent') }, 'po_test_late');
    expect(summary).toMatchObject({ transactions: 3, matched: 3, unmatched: 0 });
    const links = (await tables('po_test_late')).links;
    expect(links.find((l) => l.balance_transaction_id === late)?.ledger_entry_id).toBe(entry);
  });

  it('records nothing when Stripe fails mid-listing, and the whole payout when Stripe delivers the event again', async () => {
    const { transactions } = await ledgerWithTransactions(120);
    const payout = stripe.payout({ id: 'po_test_retry', amount: 1 }, transactions);
    stripe.failRequests('/v1/balance_transactions', 2);

    const failed = await app.sendEvent('payout.paid', payout);
    expect(failed.status).toBe(500);
    expect(await app.db('payouts').where({ id: 'po_test_retry' }).first()).toBeUndefined();
    expect(await app.db('stripe_events').where({ id: failed.eventId }).first()).toMatchObject({
      processed_at: null, last_error: expect.stringContaining('Stripe is having a moment'),
    });

    await app.deliver('payout.paid', payout, { id: failed.eventId });
    expect(stripe.pages.map((p) => p.startingAfter)).toEqual([null, transactions[98]?.id, null, transactions[98]?.id]);
    const { links } = await tables('po_test_retry');
    expect(links).toHaveLength(120);
    expect(links.every((l) => l.ledger_entry_id !== null)).toBe(true);
  });

  it('keeps payouts from staff, who see one organization, and says so for an unknown payout', async () => {
    const staff = await tokenFor(app.db, 'staff', 'demo-network');
    const admin = await tokenFor(app.db, 'admin');
    const asStaff = await fetch(`${app.baseUrl}/api/admin/payouts/po_test_threepages`, { headers: { authorization: `Bearer ${staff}` } });
    expect(asStaff.status).toBe(403);
    expect((await getCsv(app, '/api/admin/exports/payouts.csv', staff)).status).toBe(403);
    const unknown = await fetch(`${app.baseUrl}/api/admin/payouts/po_nobody`, { headers: { authorization: `Bearer ${admin}` } });
    expect(unknown.status).toBe(404);
  });
});

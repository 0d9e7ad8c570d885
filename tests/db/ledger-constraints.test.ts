import type { Knex } from 'knex';
import { appendLedgerEntry, type NewLedgerEntry } from '../../src/ledger/ledger-repository';
import { recordLedgerEntryAlone } from '../../src/ledger/ledger-service';
import { ensureDemo } from '../../src/campaigns/demo-seed';
import { createTestDb, type TestDb } from '../helpers/test-db';

let testDb: TestDb;
let db: Knex;
let base: NewLedgerEntry;

beforeAll(async () => {
  testDb = await createTestDb();
  db = testDb.db;
  await ensureDemo(db);
  const campaign = await db('campaigns').where({ slug: 'organizer-training' }).first();
  const earmark = await db('earmarks').where({ campaign_id: campaign.id, code: 'travel' }).first();
  const [supporter] = await db('supporters')
    .insert({ organization_id: campaign.organization_id, email: 'check@example.org', first_name: 'Rosa', last_name: 'Díaz' })
    .returning('id');
  base = {
    kind: 'offline', organizationId: campaign.organization_id, campaignId: campaign.id, earmarkId: earmark.id,
    supporterId: supporter.id, donationId: null, gross: 5000, fee: 0, currency: 'usd', occurredAt: new Date('2026-11-02T12:00:00Z'),
    checkNumber: '1042',
  };
});
afterAll(() => testDb.destroy());

const rawInsert = (overrides: Record<string, unknown>) => db('ledger_entries').insert({
  kind: base.kind, organization_id: base.organizationId, campaign_id: base.campaignId, earmark_id: base.earmarkId,
  supporter_id: base.supporterId, gross: 1000, fee: 0, net: 1000, currency: 'usd', occurred_at: new Date(), ...overrides,
});

describe('the ledger', () => {
  it('refuses updates and deletes: it is append-only', async () => {
    await appendLedgerEntry(db, base);
    await expect(db('ledger_entries').update({ gross: 1 })).rejects.toThrow(/append-only/);
    await expect(db('ledger_entries').del()).rejects.toThrow(/append-only/);
  });

  it('numbers receipts per organization and year, in sequence', async () => {
    await recordLedgerEntryAlone({ db }, { ...base, occurredAt: new Date('2027-01-01T09:00:00Z') });
    await recordLedgerEntryAlone({ db }, { ...base, occurredAt: new Date('2027-03-01T09:00:00Z') });
    // 2027-01-01 03:00 UTC is still 2026 in the organization's time zone (Los Angeles).
    await recordLedgerEntryAlone({ db }, { ...base, occurredAt: new Date('2027-01-01T03:00:00Z') });
    const numbers = (await db('ledger_entries').orderBy('id').pluck('receipt_number')).slice(-3);
    expect(numbers).toEqual(['2027-000001', '2027-000002', '2026-000002']);
  });

  it.each([
    ['net that is not gross minus fee', { net: 999 }],
    ['a payment of zero', { kind: 'payment', gross: 0, net: 0, stripe_balance_transaction_id: 'txn_zero' }],
    ['a negative payment', { kind: 'payment', gross: -100, net: -100, stripe_balance_transaction_id: 'txn_neg' }],
    ['a positive refund', { kind: 'refund', gross: 100, net: 100, stripe_balance_transaction_id: 'txn_pos' }],
    ['a Stripe payment without its balance transaction', { kind: 'payment' }],
    ['an unknown kind', { kind: 'gift_card' }],
    ['an upper-case currency', { currency: 'USD' }],
    ['an installment of zero', { installment: 0 }],
  ])('refuses %s', async (_name, overrides) => {
    await expect(rawInsert(overrides)).rejects.toThrow(/violates/);
  });

  it('refuses a second entry for one balance transaction, and a second payment for one charge', async () => {
    await rawInsert({ kind: 'payment', stripe_charge_id: 'ch_once', stripe_balance_transaction_id: 'txn_once' });
    await expect(rawInsert({ kind: 'refund', gross: -5, net: -5, stripe_balance_transaction_id: 'txn_once' })).rejects.toThrow(/unique/);
    await expect(rawInsert({ kind: 'payment', stripe_charge_id: 'ch_once', stripe_balance_transaction_id: 'txn_other' })).rejects.toThrow(/unique/);
  });

  it('keeps amounts beyond 32 bits exact', async () => {
    const big = 9_000_000_000_000;
    await rawInsert({ gross: big, net: big, check_number: 'big' });
    const row = await db('ledger_entries').where({ check_number: 'big' }).first('gross');
    expect(row.gross).toBe(big);
  });
});

describe('stripe events', () => {
  it('holds one row per Stripe event id', async () => {
    const row = { id: 'evt_once', type: 'charge.updated', livemode: false, stripe_created_at: new Date() };
    await db('stripe_events').insert(row);
    await expect(db('stripe_events').insert(row)).rejects.toThrow(/duplicate key|unique/);
  });
});

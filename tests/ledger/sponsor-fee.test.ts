import type { Knex } from 'knex';
import {
  addEntry, buildCampaign, buildDonation, buildOrganization, buildSupporter, fakeStripeId, type DonationRef, type OrgRef,
} from '../factories/ledger-world';
import { createTestDb, type TestDb } from '../helpers/test-db';

let testDb: TestDb;
let db: Knex;
beforeAll(async () => {
  testDb = await createTestDb();
  db = testDb.db;
});
afterAll(() => testDb.destroy());

const at = (iso: string) => new Date(iso);
const setRate = (org: OrgRef, bps: number) => db('organizations').where({ id: org.id }).update({ sponsor_fee_bps: bps });
const charged = async (id: number) => {
  const row = await db('ledger_entries').where({ id }).first('sponsor_fee', 'sponsor_fee_bps');
  return { fee: Number(row.sponsor_fee), bps: Number(row.sponsor_fee_bps) };
};

async function gift(org: OrgRef): Promise<DonationRef> {
  const campaign = await buildCampaign(db, org);
  return buildDonation(db, campaign, await buildSupporter(db, org));
}

describe("the sponsor's fee on each ledger entry", () => {
  it('is 0 while the organization has no rate, and the rate from the moment it is set; a change leaves earlier entries as charged', async () => {
    const org = await buildOrganization(db);
    const donation = await gift(org);
    const before = await addEntry(db, donation, { kind: 'payment', gross: 2000, fee: 88, occurredAt: at('2026-11-02T18:00:00Z') });
    await setRate(org, 750);
    const during = await addEntry(db, donation, { kind: 'payment', gross: 2000, fee: 88, occurredAt: at('2026-11-03T18:00:00Z') });
    const offline = await addEntry(db, donation, { kind: 'offline', gross: 5000, fee: 0, occurredAt: at('2026-11-03T18:00:00Z'), paymentMethod: 'check', checkNumber: '7' });
    await setRate(org, 500);
    const after = await addEntry(db, donation, { kind: 'payment', gross: 2000, fee: 88, occurredAt: at('2026-11-04T18:00:00Z') });
    expect(await charged(before)).toEqual({ fee: 0, bps: 0 });
    expect(await charged(during)).toEqual({ fee: 150, bps: 750 });
    expect(await charged(offline)).toEqual({ fee: 375, bps: 750 });
    expect(await charged(after)).toEqual({ fee: 100, bps: 500 });
  });

  it.each([
    [10, 500, 1], // 0.5 rounds up
    [9, 500, 0], // 0.45 rounds down
    [333, 500, 17], // 16.65
    [100_000_000_00, 10000, 100_000_000_00],
  ])('rounds half up per entry: %i at %i bps is %i', async (gross, bps, expected) => {
    const org = await buildOrganization(db);
    await setRate(org, bps);
    const id = await addEntry(db, await gift(org), { kind: 'payment', gross, fee: 0, occurredAt: at('2026-11-05T18:00:00Z') });
    expect((await charged(id)).fee).toBe(expected);
  });

  it('reverses in proportion on partial refunds, and a whole refund in parts returns exactly the fee charged', async () => {
    const org = await buildOrganization(db);
    await setRate(org, 750);
    const donation = await gift(org);
    const charge = fakeStripeId('ch');
    const payment = await addEntry(db, donation, { kind: 'payment', gross: 1000, fee: 59, occurredAt: at('2026-11-06T18:00:00Z'), stripeChargeId: charge });
    await setRate(org, 0); // refunds follow the payment's rate, not today's
    const parts = [];
    for (const gross of [-333, -333, -334]) {
      parts.push(await addEntry(db, donation, { kind: 'refund', gross, fee: 0, occurredAt: at('2026-11-07T18:00:00Z'), stripeChargeId: charge, stripeRefundId: fakeStripeId('re') }));
    }
    expect((await charged(payment)).fee).toBe(75);
    const fees = await Promise.all(parts.map(async (id) => (await charged(id)).fee));
    // 24.975 -> 25; 49.95 -> 50 (so 25 more); 75 -> 75 (25 more)
    expect(fees).toEqual([-25, -25, -25]);
    expect((await charged(parts[0] as number)).bps).toBe(750);
  });

  it('takes the fee back on a dispute and charges it again when the dispute is won', async () => {
    const org = await buildOrganization(db);
    await setRate(org, 500);
    const donation = await gift(org);
    const charge = fakeStripeId('ch');
    await addEntry(db, donation, { kind: 'payment', gross: 3000, fee: 117, occurredAt: at('2026-11-06T18:00:00Z'), stripeChargeId: charge });
    const lost = await addEntry(db, donation, { kind: 'dispute', gross: -3000, fee: 1500, occurredAt: at('2026-11-08T18:00:00Z'), stripeChargeId: charge, stripeDisputeId: 'du_1' });
    const won = await addEntry(db, donation, { kind: 'dispute_reversal', gross: 3000, fee: -1500, occurredAt: at('2026-11-20T18:00:00Z'), stripeChargeId: charge, stripeDisputeId: 'du_1' });
    expect((await charged(lost)).fee).toBe(-150);
    expect((await charged(won)).fee).toBe(150);
  });

  it('is charged by the database whatever the insert says, and the entry still cannot be edited', async () => {
    const org = await buildOrganization(db);
    await setRate(org, 1000);
    const donation = await gift(org);
    const [row] = await db('ledger_entries').insert({
      kind: 'offline', organization_id: org.id, campaign_id: donation.campaign.id, earmark_id: donation.campaign.earmarkId,
      supporter_id: donation.supporterId, gross: 1000, fee: 0, net: 1000, currency: 'usd', occurred_at: new Date(),
      sponsor_fee: 1, sponsor_fee_bps: 1,
    }).returning('id');
    expect(await charged(Number(row.id))).toEqual({ fee: 100, bps: 1000 });
    await expect(db('ledger_entries').where({ id: row.id }).update({ sponsor_fee: 0 })).rejects.toThrow(/append-only/);
  });
});

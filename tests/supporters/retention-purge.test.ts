import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import type { Knex } from 'knex';
import { prepareDonationExport } from '../../src/exports/donation-export-service';
import { ensureDemo } from '../../src/campaigns/demo-seed';
import { campaignProgress } from '../../src/ledger/progress-service';
import { recordLedgerEntryAlone } from '../../src/ledger/ledger-service';
import { eraseSupporter, erasedEmail } from '../../src/supporters/supporter-erasure';
import { purgeExpiredSupporters } from '../../src/supporters/retention-service';
import { createTestDb, type TestDb } from '../helpers/test-db';

const NOW = new Date('2026-11-23T12:00:00Z');
const yearsAgo = (years: number, days = 0) => new Date(NOW.getTime() - (years * 365.25 + days) * 86_400_000);

interface Seeded { organizationId: string; campaignId: string; earmarkId: string }

async function seed(db: Knex): Promise<Seeded> {
  await ensureDemo(db);
  const campaign = await db('campaigns').where({ slug: 'organizer-training' }).first('id', 'organization_id');
  const earmark = await db('earmarks').where({ campaign_id: campaign.id, code: 'travel' }).first('id');
  return { organizationId: campaign.organization_id, campaignId: campaign.id, earmarkId: earmark.id };
}

let counter = 0;
async function giver(db: Knex, s: Seeded, name: string, lastGift: Date, options: { status?: string; frequency?: 'once' | 'monthly' } = {}) {
  counter += 1;
  const [supporter] = await db('supporters').insert({
    organization_id: s.organizationId, email: `${name.toLowerCase()}@example.org`, first_name: name, last_name: 'Pérez',
    phone: '+1 206 555 0100', address_line1: '1 Main St', address_city: 'Seattle', address_region: 'WA',
    address_postal_code: '98101', address_country: 'US', email_updates: true, stripe_customer_id: `cus_${name}`,
    created_at: lastGift,
  }).returning('id');
  const [donation] = await db('donations').insert({
    campaign_id: s.campaignId, earmark_id: s.earmarkId, supporter_id: supporter.id, amount: 2000, charge_amount: 2000,
    currency: 'usd', frequency: options.frequency ?? 'once', status: options.status ?? 'paid', note: `note from ${name}`,
    created_at: lastGift,
  }).returning('id');
  await recordLedgerEntryAlone({ db }, {
    kind: 'payment', organizationId: s.organizationId, campaignId: s.campaignId, earmarkId: s.earmarkId,
    supporterId: supporter.id, donationId: donation.id, gross: 2000 + counter, fee: 88, currency: 'usd', occurredAt: lastGift,
    stripeChargeId: `ch_${name}`, stripeBalanceTransactionId: `txn_${name}`,
  });
  return supporter.id as string;
}

/** The sponsor's export of every entry, as records keyed by column name. */
async function exportRows(db: Knex): Promise<Array<Record<string, string>>> {
  let text = '';
  const sink = new Writable({ write(chunk, _encoding, done) { text += String(chunk); done(); } });
  await (await prepareDonationExport(db, 'operator', { from: '2000-01-01', to: '2100-01-01', bom: false })).writeTo(sink);
  return parse(text, { columns: true }) as Array<Record<string, string>>;
}

const CONTACT_COLUMNS = ['first_name', 'last_name', 'email', 'phone', 'address_line1', 'address_line2', 'address_city',
  'address_region', 'address_postal_code', 'address_country', 'note'];
const withoutContact = (row: Record<string, string>) => Object.fromEntries(Object.entries(row).filter(([k]) => !CONTACT_COLUMNS.includes(k)));
const sum = (rows: Array<Record<string, string>>, column: string) => rows.reduce((n, r) => n + Math.round(Number(r[column]) * 100), 0);

const snapshot = async (db: Knex) => ({
  supporters: await db('supporters').orderBy('id'),
  donations: await db('donations').orderBy('id'),
  ledger: await db('ledger_entries').orderBy('id'),
});

describe('retention purge', () => {
  let t: TestDb;
  let s: Seeded;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDb();
    s = await seed(t.db);
    ids.old = await giver(t.db, s, 'Old', yearsAgo(7, 30));
    ids.recent = await giver(t.db, s, 'Recent', yearsAgo(6, 300));
    ids.monthly = await giver(t.db, s, 'Monthly', yearsAgo(8), { frequency: 'monthly', status: 'active' });
  });
  afterAll(() => t.destroy());

  it('lists on a dry run and changes nothing', async () => {
    const before = await snapshot(t.db);
    const result = await purgeExpiredSupporters(t.db, { now: NOW, dryRun: true });
    expect(result.candidates.map((c) => c.supporterId)).toEqual([ids.old]);
    expect(result.candidates[0]).toMatchObject({ organizationSlug: 'demo-network', retentionYears: 7 });
    expect(result.erased).toBe(0);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it('erases only contact fields of supporters past retention, keeping ledger, totals and receipt numbers', async () => {
    const before = await snapshot(t.db);
    const progressBefore = await campaignProgress(t.db, 'organizer-training', 'en');
    const exportBefore = await exportRows(t.db);

    expect(await purgeExpiredSupporters(t.db, { now: NOW, dryRun: false })).toMatchObject({ erased: 1 });
    const after = await snapshot(t.db);

    expect(after.ledger).toEqual(before.ledger);
    expect(await campaignProgress(t.db, 'organizer-training', 'en')).toEqual(progressBefore);
    const exportAfter = await exportRows(t.db);
    expect(exportAfter.map(withoutContact)).toEqual(exportBefore.map(withoutContact));
    for (const column of ['gross', 'fee', 'net']) expect(sum(exportAfter, column)).toBe(sum(exportBefore, column));
    const erasedRow = exportAfter.find((r) => r.email === erasedEmail(ids.old as string));
    expect(erasedRow).toMatchObject({ first_name: '', last_name: '', phone: '', address_line1: '' });
    expect(exportAfter.filter((r) => r !== erasedRow)).toEqual(exportBefore.filter((r) => !r.email?.startsWith('old@')));

    const erased = after.supporters.find((r) => r.id === ids.old);
    const was = before.supporters.find((r) => r.id === ids.old);
    expect(erased).toEqual({
      ...was, email: erasedEmail(ids.old as string), first_name: '', last_name: '', phone: null, address_line1: null,
      address_city: null, address_region: null, address_postal_code: null, address_country: null,
      email_updates: false, stripe_customer_id: null, unsubscribe_token: null, erase_reason: 'retention',
      erased_at: expect.any(Date), updated_at: expect.any(Date),
    });
    expect(after.supporters.filter((r) => r.id !== ids.old)).toEqual(before.supporters.filter((r) => r.id !== ids.old));
    for (const donation of after.donations) {
      const previous = before.donations.find((d) => d.id === donation.id);
      expect(donation).toEqual(donation.supporter_id === ids.old ? { ...previous, note: null } : previous);
    }
    expect(JSON.stringify(after)).not.toContain('old@example.org');
  });

  it('is idempotent and honours a longer retention setting per organization', async () => {
    expect(await purgeExpiredSupporters(t.db, { now: NOW, dryRun: false })).toMatchObject({ erased: 0, candidates: [] });
    await t.db('organizations').update({ retention_years: 10 });
    await t.db('donations').where({ supporter_id: ids.monthly }).update({ status: 'cancelled' });
    expect((await purgeExpiredSupporters(t.db, { now: NOW, dryRun: true })).candidates).toEqual([]);
    await t.db('organizations').update({ retention_years: 1 });
    const result = await purgeExpiredSupporters(t.db, { now: NOW, dryRun: true });
    expect(result.candidates.map((c) => c.supporterId).sort()).toEqual([ids.monthly, ids.recent].sort());
  });

  it('erases at once on a supporter request, only once', async () => {
    const erasedNow = await t.db.transaction((tx) => eraseSupporter(tx, ids.recent as string, 'request'));
    expect(erasedNow).toBe(true);
    expect(await t.db.transaction((tx) => eraseSupporter(tx, ids.recent as string, 'request'))).toBe(false);
    expect(await t.db('supporters').where({ id: ids.recent }).first('erase_reason', 'first_name')).toEqual({ erase_reason: 'request', first_name: '' });
  });
});

import { minorUnitExponent } from '../../src/lib/money';
import { prng } from '../factories/seeded-random';
import {
  buildCampaign, buildDonation, buildOrganization, buildSupporter, fakeStripeId, type CampaignRef, type DonationRef, type OrgRef,
} from '../factories/ledger-world';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { asObjects, getCsv, tokenFor } from './export-client';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());


const KINDS = ['payment', 'payment', 'payment', 'offline', 'refund', 'dispute', 'dispute_reversal'] as const;

/** Exact parse of the export's decimal strings back to minor units: no float touches them. */
function toMinor(text: string, currency: string): number {
  const exponent = minorUnitExponent(currency);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match || (match[3] ?? '').length !== exponent) throw new Error(`"${text}" is not a ${currency} amount`);
  const value = Number((match[2] ?? '') + (match[3] ?? ''));
  return match[1] ? -value : value;
}

const localDay = (() => {
  const formats = new Map<string, Intl.DateTimeFormat>();
  return (moment: Date, timeZone: string) => {
    let format = formats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
      formats.set(timeZone, format);
    }
    return format.format(moment);
  };
})();

type Sums = Record<string, { gross: number; fee: number; net: number; rows: number }>;
const add = (sums: Sums, currency: string, gross: number, fee: number, net: number) => {
  const s = (sums[currency] ??= { gross: 0, fee: 0, net: 0, rows: 0 });
  s.gross += gross; s.fee += fee; s.net += net; s.rows += 1;
};

interface World { orgs: OrgRef[]; campaigns: CampaignRef[]; donations: DonationRef[] }

async function buildWorld(): Promise<World> {
  const orgs = [
    await buildOrganization(app.db, { timeZone: 'America/Los_Angeles' }),
    await buildOrganization(app.db, { timeZone: 'Asia/Tokyo' }),
    await buildOrganization(app.db, { timeZone: 'Asia/Kolkata' }),
  ];
  const campaigns = [
    await buildCampaign(app.db, orgs[0] as OrgRef, { currency: 'usd' }),
    await buildCampaign(app.db, orgs[0] as OrgRef, { currency: 'jpy' }),
    await buildCampaign(app.db, orgs[1] as OrgRef, { currency: 'jpy' }),
    await buildCampaign(app.db, orgs[2] as OrgRef, { currency: 'usd' }),
  ];
  const donations: DonationRef[] = [];
  for (const campaign of campaigns) {
    const org = orgs.find((o) => o.id === campaign.organizationId) as OrgRef;
    for (let i = 0; i < 3; i += 1) donations.push(await buildDonation(app.db, campaign, await buildSupporter(app.db, org)));
  }
  return { orgs, campaigns, donations };
}

/** Random entries written straight into ledger_entries, each obeying the table's constraints. */
async function randomLedger(world: World, random: () => number, count: number): Promise<void> {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const rows = Array.from({ length: count }, () => {
    const donation = pick(world.donations);
    const kind = pick(KINDS);
    const amount = 1 + Math.floor(random() * 500000);
    const fee = Math.floor(random() * Math.min(amount, 5000));
    const [gross, entryFee] = {
      payment: [amount, fee], offline: [amount, 0], refund: [-amount, random() < 0.5 ? 0 : -fee],
      dispute: [-amount, 1500], dispute_reversal: [amount, -1500],
    }[kind];
    // Days from May 30 to Sep 2 UTC, and often close to some midnight, so boundaries are exercised.
    const day = Date.UTC(2026, 4, 30) + Math.floor(random() * 96) * 86_400_000;
    const minute = random() < 0.5 ? Math.floor(random() * 1440) : pick([0, 1, 359, 360, 419, 420, 899, 900, 1439]);
    return {
      kind, organization_id: donation.campaign.organizationId, campaign_id: donation.campaign.id,
      earmark_id: donation.campaign.earmarkId, supporter_id: donation.supporterId, donation_id: donation.id,
      gross, fee: entryFee, net: (gross as number) - (entryFee as number), currency: donation.campaign.currency,
      occurred_at: new Date(day + minute * 60_000 + Math.floor(random() * 60) * 1000),
      stripe_balance_transaction_id: kind === 'offline' ? null : fakeStripeId('txn'),
    };
  });
  await app.db.batchInsert('ledger_entries', rows, 200);
}

async function expectedSums(from: string, to: string, filter: { organizationId?: string; campaignId?: string }): Promise<Sums> {
  const entries = await app.db('ledger_entries as le').join('organizations as o', 'o.id', 'le.organization_id')
    .select('le.gross', 'le.fee', 'le.net', 'le.currency', 'le.occurred_at', 'le.organization_id', 'le.campaign_id', 'o.time_zone');
  const sums: Sums = {};
  for (const e of entries) {
    if (filter.organizationId && e.organization_id !== filter.organizationId) continue;
    if (filter.campaignId && e.campaign_id !== filter.campaignId) continue;
    const day = localDay(new Date(e.occurred_at), e.time_zone);
    if (day < from || day > to) continue;
    add(sums, e.currency.toUpperCase(), e.gross, e.fee, e.net);
  }
  return sums;
}

describe('the export ties out', () => {
  it('has, for random ledgers and random ranges, the same gross, fee and net per currency as the ledger', async () => {
    const seed = Number(process.env.TIE_OUT_SEED ?? 20261124);
    const random = prng(seed);
    const world = await buildWorld();
    const token = await tokenFor(app.db, 'sponsor');
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    let checked = 0;
    for (let round = 0; round < 4; round += 1) {
      await randomLedger(world, random, 150);
      for (let r = 0; r < 6; r += 1) {
        const start = Date.UTC(2026, 4, 28) + Math.floor(random() * 100) * 86_400_000;
        const from = iso(start);
        const to = iso(start + Math.floor(random() * 40) * 86_400_000);
        const scope = random();
        const campaign = world.campaigns[Math.floor(random() * world.campaigns.length)] as CampaignRef;
        const org = world.orgs[Math.floor(random() * world.orgs.length)] as OrgRef;
        const filter = scope < 0.4 ? {} : scope < 0.7 ? { organizationId: org.id } : { campaignId: campaign.id };
        const query = filter.organizationId ? `&organization=${org.slug}` : filter.campaignId ? `&campaign=${campaign.slug}` : '';
        const answer = await getCsv(app, `/api/admin/exports/donations.csv?from=${from}&to=${to}${query}`, token);
        expect(answer.status).toBe(200);
        const actual: Sums = {};
        for (const row of asObjects(answer.records)) {
          const currency = row.currency as string;
          add(actual, currency, toMinor(row.gross as string, currency), toMinor(row.fee as string, currency), toMinor(row.net as string, currency));
        }
        const expected = await expectedSums(from, to, filter);
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          throw new Error(`seed ${seed}, round ${round}, range ${from}..${to}${query}: export ${JSON.stringify(actual)} but ledger ${JSON.stringify(expected)}`);
        }
        checked += Object.values(expected).reduce((n, s) => n + s.rows, 0);
      }
    }
    expect(checked).toBeGreaterThan(500);
  }, 120_000);
});

import {
  addEntry, buildCampaign, buildDonation, buildOrganization, buildSupporter, fakeStripeId, type CampaignRef,
} from '../factories/ledger-world';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { asObjects, getCsv, tokenFor } from './export-client';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function paymentAt(campaign: CampaignRef, iso: string): Promise<number> {
  const supporter = await buildSupporter(app.db, { id: campaign.organizationId, slug: '', timeZone: '' });
  const donation = await buildDonation(app.db, campaign, supporter);
  return addEntry(app.db, donation, { kind: 'payment', gross: 1000, fee: 59, occurredAt: new Date(iso), stripeChargeId: fakeStripeId('ch') });
}

describe('the export range', () => {
  it('takes from and to as whole days in each organization\'s own time zone, both ends included', async () => {
    const seattle = await buildOrganization(app.db, { timeZone: 'America/Los_Angeles' });
    const tokyo = await buildOrganization(app.db, { timeZone: 'Asia/Tokyo' });
    const west = await buildCampaign(app.db, seattle);
    const east = await buildCampaign(app.db, tokyo, { currency: 'jpy' });
    const ids = {
      westBefore: await paymentAt(west, '2026-03-01T07:59:59Z'), // Feb 28, 23:59:59 PST
      westFirst: await paymentAt(west, '2026-03-01T08:00:00Z'), // Mar 1, 00:00 PST
      westLast: await paymentAt(west, '2026-03-09T06:59:59Z'), // Mar 8, 23:59:59 PDT (after the DST change)
      westAfter: await paymentAt(west, '2026-03-09T07:00:00Z'), // Mar 9, 00:00 PDT
      eastBefore: await paymentAt(east, '2026-02-28T14:59:59Z'), // Feb 28, 23:59:59 JST
      eastFirst: await paymentAt(east, '2026-02-28T15:00:00Z'), // Mar 1, 00:00 JST
      eastLast: await paymentAt(east, '2026-03-08T14:59:59Z'), // Mar 8, 23:59:59 JST
      eastAfter: await paymentAt(east, '2026-03-08T15:00:00Z'),
    };
    const admin = await tokenFor(app.db, 'admin');
    const rows = asObjects((await getCsv(app, '/api/admin/exports/donations.csv?from=2026-03-01&to=2026-03-08', admin)).records);
    expect(rows.map((r) => Number(r.entry_id))).toEqual([ids.westFirst, ids.westLast, ids.eastFirst, ids.eastLast]);
    expect(rows.map((r) => r.occurred_at)).toEqual([
      '2026-03-01T00:00:00-08:00', '2026-03-08T23:59:59-07:00', '2026-03-01T00:00:00+09:00', '2026-03-08T23:59:59+09:00',
    ]);
    expect(rows.map((r) => r.time_zone)).toEqual(['America/Los_Angeles', 'America/Los_Angeles', 'Asia/Tokyo', 'Asia/Tokyo']);

    const oneDay = asObjects((await getCsv(app, `/api/admin/exports/donations.csv?from=2026-02-28&to=2026-02-28&organization=${seattle.slug}`, admin)).records);
    expect(oneDay.map((r) => Number(r.entry_id))).toEqual([ids.westBefore]);
    const byCampaign = asObjects((await getCsv(app, `/api/admin/exports/donations.csv?from=2026-02-01&to=2026-03-31&campaign=${east.slug}`, admin)).records);
    expect(byCampaign.map((r) => Number(r.entry_id))).toEqual([ids.eastBefore, ids.eastFirst, ids.eastLast, ids.eastAfter]);
  });
});

describe('who may export what', () => {
  it('shows staff only their own organization, and sponsors and admins every one', async () => {
    const mine = await buildOrganization(app.db);
    const theirs = await buildOrganization(app.db);
    const myCampaign = await buildCampaign(app.db, mine);
    const theirCampaign = await buildCampaign(app.db, theirs);
    const myEntry = await paymentAt(myCampaign, '2027-05-05T20:00:00Z');
    const theirEntry = await paymentAt(theirCampaign, '2027-05-05T20:00:00Z');
    const range = '/api/admin/exports/donations.csv?from=2027-05-01&to=2027-05-31';
    const ids = (records: string[][]) => asObjects(records).map((r) => Number(r.entry_id));

    const staff = await tokenFor(app.db, 'staff', mine.slug);
    expect(ids((await getCsv(app, range, staff)).records)).toEqual([myEntry]);
    expect(ids((await getCsv(app, `${range}&organization=${mine.slug}`, staff)).records)).toEqual([myEntry]);
    const refused = await getCsv(app, `${range}&organization=${theirs.slug}`, staff);
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain(String(theirEntry));
    expect((await getCsv(app, `${range}&campaign=${theirCampaign.slug}`, staff)).status).toBe(403);

    for (const role of ['sponsor', 'admin'] as const) {
      const token = await tokenFor(app.db, role);
      expect(ids((await getCsv(app, range, token)).records)).toEqual([myEntry, theirEntry]);
    }
    expect((await getCsv(app, range, null)).status).toBe(401);
    expect((await getCsv(app, range, 'clt_not_a_token')).status).toBe(401);
  });
});

describe('the audit log of exports', () => {
  it('records who exported which range and how many rows, and nothing for a refused export', async () => {
    const org = await buildOrganization(app.db);
    const campaign = await buildCampaign(app.db, org);
    await paymentAt(campaign, '2028-02-02T20:00:00Z');
    await paymentAt(campaign, '2028-02-03T20:00:00Z');
    const staff = await tokenFor(app.db, 'staff', org.slug);
    // The audit row is written once the last byte has gone, so it may land just after the client has read it.
    const latest = async () => {
      for (let i = 0; i < 50; i += 1) {
        const row = await app.db('audit_log').where({ action: 'export.donations', actor_label: `token ${staff.slice(0, 8)}` }).first();
        if (row) return row;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return null;
    };
    const before = await app.db('audit_log').where({ action: 'export.donations' }).count<{ n: number }>('* as n').first();

    expect((await getCsv(app, '/api/admin/exports/donations.csv?from=2028-02-01&to=2028-02-29', staff)).status).toBe(200);
    const row = await latest();
    expect(row).toMatchObject({ actor_label: `token ${staff.slice(0, 8)}`, entity_type: 'export', organization_id: org.id });
    expect(row.actor_token_id).toEqual(expect.any(String));
    expect(row.after).toEqual({ from: '2028-02-01', to: '2028-02-29', organization: null, campaign: null, rows: 2, complete: true });

    expect((await getCsv(app, '/api/admin/exports/donations.csv?from=2028-02-01&to=2028-01-01', staff)).status).toBe(422);
    const after = await app.db('audit_log').where({ action: 'export.donations' }).count<{ n: number }>('* as n').first();
    expect(Number(after?.n)).toBe(Number(before?.n) + 1);
  });
});

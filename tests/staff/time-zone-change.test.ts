import { addEntry, buildCampaign, buildDonation, buildOrganization, buildSupporter } from '../factories/ledger-world';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { api, bearer } from './staff-helpers';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const months = (body: { months: Array<{ month: string; gross: number }> }) => body.months.map((m) => [m.month, m.gross]);

describe("an organization's new time zone", () => {
  it("moves its totals' months to the new zone's, as the export reads them, and keeps every sum", async () => {
    const org = await buildOrganization(app.db, { timeZone: 'America/Los_Angeles' });
    const campaign = await buildCampaign(app.db, org, { currency: 'usd', earmark: 'travel' });
    const supporter = await buildSupporter(app.db, org);
    const gift = await buildDonation(app.db, campaign, supporter);
    // 03:00 UTC on 1 March is still 28 February in Los Angeles.
    await addEntry(app.db, gift, { kind: 'payment', gross: 2000, fee: 88, occurredAt: new Date('2026-03-01T03:00:00Z'), installment: 1, paymentMethod: 'card' });
    await addEntry(app.db, gift, { kind: 'payment', gross: 1000, fee: 59, occurredAt: new Date('2026-03-10T12:00:00Z'), installment: 1, paymentMethod: 'card' });
    const admin = await bearer(app.db, 'admin');
    const totals = () => api(app.baseUrl, 'GET', `/api/admin/campaigns/${campaign.slug}/totals`, admin);

    const before = await totals();
    expect(months(before.body)).toEqual([['2026-02', 2000], ['2026-03', 1000]]);

    const changed = await api(app.baseUrl, 'PATCH', `/api/admin/organizations/${org.slug}`, admin, { timeZone: 'UTC' });
    expect(changed.status).toBe(200);
    const after = await totals();
    expect(months(after.body)).toEqual([['2026-03', 3000]]);
    // Everything but the months is as it was, the supporters count too.
    const { months: _b, ...restBefore } = before.body;
    const { months: _a, ...restAfter } = after.body;
    expect(restAfter).toEqual(restBefore);

    // A gift after the change is summed in the new zone's month, on top of the rebuilt sums.
    await addEntry(app.db, gift, { kind: 'payment', gross: 500, fee: 30, occurredAt: new Date('2026-03-31T23:30:00Z'), installment: 1, paymentMethod: 'card' });
    expect(months((await totals()).body)).toEqual([['2026-03', 3500]]);
  });
});

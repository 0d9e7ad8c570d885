import { startTestApp, type TestApp } from '../helpers/test-app';
import { bearer } from './staff-helpers';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function patch(headers: Record<string, string>, body: unknown) {
  const res = await fetch(`${app.baseUrl}/api/admin/campaigns/organizer-training`, {
    method: 'PATCH', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { milestoneSteps?: number[]; error?: { fields?: Array<{ field: string }> } } };
}

describe('milestone steps are a campaign setting', () => {
  it('is shown, changed through the API and audited; refuses steps that do not rise or leave 1–100', async () => {
    const staff = await bearer(app.db, 'staff', 'demo-network');
    const changed = await patch(staff, { milestoneSteps: [50, 100] });
    expect(changed).toMatchObject({ status: 200, body: { milestoneSteps: [50, 100] } });
    expect(await app.db('campaigns').where({ slug: 'organizer-training' }).first('milestone_steps')).toEqual({ milestone_steps: [50, 100] });
    const audit = await app.db('audit_log').where({ action: 'campaign.update' }).orderBy('id', 'desc').first('before', 'after');
    expect(audit.before.milestoneSteps).toEqual([25, 50, 75, 100]);
    expect(audit.after.milestoneSteps).toEqual([50, 100]);

    for (const steps of [[50, 30], [0, 50], [25, 150]]) {
      const refused = await patch(staff, { milestoneSteps: steps });
      expect(refused.status).toBe(422);
      expect(refused.body.error?.fields?.[0]?.field).toMatch(/^milestoneSteps/);
    }
    expect((await patch(staff, { milestoneSteps: [] })).body.milestoneSteps).toEqual([]);
  });
});

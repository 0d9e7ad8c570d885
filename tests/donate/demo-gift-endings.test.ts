import { startTestApp, type TestApp } from '../helpers/test-app';
import { donationIdForSession, donationRow } from '../helpers/ledger-queries';
import { formFields, postForm } from './form-post';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ demo: true });
});
afterAll(() => app.close());
afterEach(() => app.db('campaigns').where({ slug: 'organizer-training' }).update({ goal: 650000, ends_at: null }));

async function giveThroughDemo(fields: Record<string, string>): Promise<string> {
  const form = await postForm(app.baseUrl, '/donate/organizer-training?lang=en', formFields(fields));
  expect(form.status).toBe(303);
  const sessionId = (form.location ?? '').split('/').pop() ?? '';
  expect((await postForm(app.baseUrl, `/demo/checkout/${sessionId}`, {})).status).toBe(303);
  return donationIdForSession(app.db, sessionId);
}

const demoObject = async (id: string) => {
  const row = await app.db('demo_stripe_objects').where({ id }).first();
  return typeof row.data === 'string' ? JSON.parse(row.data) : row.data;
};

describe('demo mode: a monthly gift that ends with the campaign or its goal', () => {
  it('ends a goal-met gift when a later gift reaches the goal, and not before', async () => {
    const raised = (await app.getJson('/api/campaigns/organizer-training/progress')).body.raised as number;
    await app.db('campaigns').where({ slug: 'organizer-training' }).update({ goal: raised + 4000 });
    const donationId = await giveThroughDemo({ amount: 'other', otherAmount: '20', frequency: 'monthly', ends: 'goal_met' });
    const before = await donationRow(app.db, donationId);
    expect(before).toMatchObject({ status: 'active', ends_with: 'goal_met' });

    await giveThroughDemo({ amount: 'other', otherAmount: '25' });
    expect(await donationRow(app.db, donationId)).toMatchObject({ status: 'completed' });
    expect((await demoObject(before.stripe_subscription_id)).status).toBe('canceled');
    expect(await app.db('emails').where({ donation_id: donationId, template: 'monthly_completed' })).toHaveLength(1);
  });

  it('puts a campaign-end gift on a schedule that ends at the campaign\'s end date', async () => {
    const endsAt = new Date(Date.now() + 90 * 86_400_000);
    endsAt.setUTCMilliseconds(0);
    await app.db('campaigns').where({ slug: 'organizer-training' }).update({ ends_at: endsAt });
    const donationId = await giveThroughDemo({ amount: 'other', otherAmount: '20', frequency: 'monthly', ends: 'campaign_end' });
    const donation = await donationRow(app.db, donationId);
    expect(donation).toMatchObject({ status: 'active', ends_with: 'campaign_end' });
    const schedule = await demoObject(donation.stripe_schedule_id);
    expect(schedule).toMatchObject({ end_behavior: 'cancel', phase_end: endsAt.getTime() / 1000 });
  });
});

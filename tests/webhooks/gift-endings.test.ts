import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { buildCheckoutBody } from '../factories/checkout-body';
import { donationIdForSession, donationRow } from '../helpers/ledger-queries';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { postForm, formFields } from '../donate/form-post';
import { act } from '../supporters/my-gifts-helpers';

const t = useAppWithStripe();
const SLUG = 'organizer-training';

async function campaignId(): Promise<string> {
  return (await t.app.db('campaigns').where({ slug: SLUG }).first('id')).id;
}

/** What the milestone check counts toward the campaign's goal, from the running sums. */
async function raised(): Promise<number> {
  const id = await campaignId();
  const row = await t.app.db('ledger_totals').where({ campaign_id: id, currency: 'usd' }).whereNot({ frequency: '' })
    .sum<{ total: string | number | null }>('raised as total').first();
  return Number(row?.total ?? 0);
}

async function setCampaign(changes: { goal?: number | null; ends_at?: Date | null }) {
  await t.app.db('campaigns').where({ slug: SLUG }).update(changes);
}

async function monthly(overrides: Record<string, unknown>) {
  const res = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ frequency: 'monthly', amount: 2000, ...overrides }));
  expect(res.status).toBe(201);
  const donationId = await donationIdForSession(t.app.db, res.body.id);
  const { session, subscription, invoice } = t.stripe.startSubscription(res.body.id);
  await t.app.deliver('checkout.session.completed', session);
  await t.app.deliver('invoice.paid', invoice);
  return { donationId, subscription };
}

const cancels = (subscriptionId: string) => t.stripe.calls('DELETE', `/v1/subscriptions/${subscriptionId}`);
const completionEmails = (donationId: string) => t.app.db('emails').where({ donation_id: donationId, template: 'monthly_completed' });

afterEach(async () => setCampaign({ goal: 650000, ends_at: null }));

describe('a monthly gift that ends when the campaign meets its goal', () => {
  it('is cancelled once the running sums cross the goal, and not before', async () => {
    await setCampaign({ goal: (await raised()) + 5000 });
    const goalGift = await monthly({ endsWith: 'goal_met' });
    const openGift = await monthly({});
    expect(await donationRow(t.app.db, goalGift.donationId)).toMatchObject({ ends_with: 'goal_met', status: 'active' });
    // 2,000 + 2,000 of 5,000: under the goal, nothing is cancelled.
    expect(cancels(goalGift.subscription.id)).toHaveLength(0);

    const once = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ amount: 1500 }));
    const paid = t.stripe.payOneTime(once.body.id);
    await t.app.deliver('checkout.session.completed', paid.session);
    expect(await raised()).toBeGreaterThanOrEqual(Number((await t.app.db('campaigns').where({ slug: SLUG }).first('goal')).goal));

    const [cancel] = cancels(goalGift.subscription.id);
    expect(cancel?.idempotencyKey).toBe(`gift-${goalGift.donationId}-goal-met`);
    expect(cancels(openGift.subscription.id)).toHaveLength(0);
    expect(await donationRow(t.app.db, goalGift.donationId)).toMatchObject({ status: 'completed' });
    expect((await donationRow(t.app.db, goalGift.donationId)).ended_at).not.toBeNull();
    expect(await donationRow(t.app.db, openGift.donationId)).toMatchObject({ status: 'active' });

    // Stripe then says the subscription was deleted; later gifts cross the goal again: nothing more.
    await t.app.deliver('customer.subscription.deleted', t.stripe.get(goalGift.subscription.id));
    const again = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ amount: 1000 }));
    await t.app.deliver('checkout.session.completed', t.stripe.payOneTime(again.body.id).session);
    expect(cancels(goalGift.subscription.id)).toHaveLength(1);
    expect(await donationRow(t.app.db, goalGift.donationId)).toMatchObject({ status: 'completed' });
    expect(await completionEmails(goalGift.donationId)).toHaveLength(1);
    expect(await t.app.db('audit_log').where({ entity_id: goalGift.donationId, action: 'gift.goal_met' })).toHaveLength(1);

    await t.app.drainOutbox();
    const email = await t.app.db('emails').where({ donation_id: goalGift.donationId, template: 'monthly_completed' }).first();
    const parsed = await simpleParser(fs.readFileSync(path.join(t.app.dataDir, 'outbox', `${email.id}.eml`)));
    expect(parsed.text).toContain('It ended because the campaign reached its goal, as you chose.');
  });

  it('is cancelled after its own first payment when the goal was already met', async () => {
    await setCampaign({ goal: Math.max(1, (await raised()) - 100) });
    const gift = await monthly({ endsWith: 'goal_met' });
    expect(cancels(gift.subscription.id)).toHaveLength(1);
    expect(await donationRow(t.app.db, gift.donationId)).toMatchObject({ status: 'completed' });
  });
});

describe('a monthly gift that ends with the campaign', () => {
  it('is put on a schedule that ends at the campaign\'s end date, and completes there', async () => {
    const endsAt = new Date(Date.now() + 100 * 86_400_000);
    endsAt.setUTCMilliseconds(0);
    await setCampaign({ ends_at: endsAt });
    const gift = await monthly({ endsWith: 'campaign_end' });

    const schedules = t.stripe.calls('POST', '/v1/subscription_schedules');
    expect(schedules).toHaveLength(2);
    expect(schedules[1]?.body).toMatchObject({
      end_behavior: 'cancel', proration_behavior: 'none', 'phases[0][end_date]': String(endsAt.getTime() / 1000),
    });
    expect(schedules[1]?.body['phases[0][duration][interval_count]']).toBeUndefined();
    const schedule = t.stripe.get(gift.subscription.schedule as string);
    expect((schedule.phases as Array<{ end_date: number }>)[0]?.end_date).toBe(endsAt.getTime() / 1000);
    expect(await donationRow(t.app.db, gift.donationId)).toMatchObject({ ends_with: 'campaign_end', stripe_schedule_id: schedule.id });

    await t.app.deliver('customer.subscription.deleted', t.stripe.endOfSchedule(gift.subscription.id));
    expect(await donationRow(t.app.db, gift.donationId)).toMatchObject({ status: 'completed' });
    expect(await completionEmails(gift.donationId)).toHaveLength(1);
    expect(cancels(gift.subscription.id)).toHaveLength(0);
  });
});

describe('a gift that ends with the campaign, changed on "my gifts"', () => {
  it('keeps its schedule ending at the campaign\'s end date when the amount changes', async () => {
    const endsAt = new Date(Date.now() + 200 * 86_400_000);
    endsAt.setUTCMilliseconds(0);
    await setCampaign({ ends_at: endsAt });
    const body = buildCheckoutBody({ frequency: 'monthly', amount: 2000, endsWith: 'campaign_end' });
    const res = await t.app.postJson('/api/checkout-sessions', body);
    const donationId = await donationIdForSession(t.app.db, res.body.id);
    const { session, subscription, invoice } = t.stripe.startSubscription(res.body.id);
    await t.app.deliver('checkout.session.completed', session);
    await t.app.deliver('invoice.paid', invoice);

    const email = (body.supporter as { email: string }).email;
    expect((await act(t, email, `/manage/gifts/${donationId}/amount?lang=en`, { amount: '35.00' })).status).toBe(303);
    const change = t.stripe.calls('POST', '/v1/subscription_schedules/').at(-1);
    expect(change?.idempotencyKey).toMatch(/^gift-/);
    expect(change?.body).toMatchObject({ end_behavior: 'cancel', 'phases[1][end_date]': String(endsAt.getTime() / 1000) });
    expect(change?.body['phases[1][duration][interval_count]']).toBeUndefined();
    const phases = t.stripe.get(subscription.schedule as string).phases as Array<{ end_date: number }>;
    expect(phases.at(-1)?.end_date).toBe(endsAt.getTime() / 1000);
  });
});

describe('choosing how a monthly gift ends, refused', () => {
  it.each([
    ['with a one-time gift', { endsWith: 'goal_met' }, 'is only for monthly gifts'],
    ['with installments', { frequency: 'monthly', installments: 6, endsWith: 'goal_met' }, 'cannot be combined with installments'],
    ['an unknown ending', { frequency: 'monthly', endsWith: 'someday' }, 'must be campaign_end or goal_met'],
    ['campaign_end when the campaign has no end date', { frequency: 'monthly', endsWith: 'campaign_end' }, 'this campaign has no end date'],
  ])('422 %s', async (_name, overrides, message) => {
    const res = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody(overrides));
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual([{ field: 'endsWith', message }]);
    expect(t.stripe.requests).toHaveLength(0);
  });

  it('422 goal_met when the campaign has no goal, and the form says so in Spanish', async () => {
    await setCampaign({ goal: null });
    const res = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ frequency: 'monthly', endsWith: 'goal_met' }));
    expect(res.status).toBe(422);
    expect(res.body.error.fields).toEqual([{ field: 'endsWith', message: 'this campaign has no goal' }]);

    const page = await postForm(t.app.baseUrl, `/donate/${SLUG}?lang=es`, formFields({ frequency: 'monthly', ends: 'goal_met' }));
    expect(page.status).toBe(422);
    expect(page.text).toContain('<p class="error" id="e-ends">Elija una de las formas de terminar que ofrece esta campaña.</p>');
    expect(t.stripe.requests).toHaveLength(0);
  });
});

describe('the form offers the endings the campaign has', () => {
  it('shows "until the goal" only with a goal and "until the campaign ends" only with an end date, and posts without JavaScript', async () => {
    await setCampaign({ goal: 650000, ends_at: null });
    const plain = await (await fetch(`${t.app.baseUrl}/donate/${SLUG}?lang=en`)).text();
    expect(plain).toMatch(/<input type="radio" name="ends" id="f-ends" value="cancel" checked>/);
    expect(plain).toContain('value="goal_met"');
    expect(plain).not.toContain('value="campaign_end"');

    await setCampaign({ goal: null, ends_at: new Date('2027-03-10T00:00:00Z') });
    const dated = await (await fetch(`${t.app.baseUrl}/donate/${SLUG}?lang=es`)).text();
    expect(dated).toContain('Cuando termine la campaña, el 10 de marzo de 2027');
    expect(dated).not.toContain('value="goal_met"');

    const posted = await postForm(t.app.baseUrl, `/donate/${SLUG}?lang=es`, formFields({ frequency: 'monthly', ends: 'campaign_end' }));
    expect(posted.status).toBe(303);
    const sessionId = /\/c\/pay\/(cs_[\w]+)/.exec(posted.location ?? '')?.[1] ?? '';
    expect(await donationRow(t.app.db, await donationIdForSession(t.app.db, sessionId))).toMatchObject({ ends_with: 'campaign_end', installments: null });

    const both = await postForm(t.app.baseUrl, `/donate/${SLUG}?lang=en`, formFields({ frequency: 'monthly', ends: 'campaign_end', installments: '6' }),
      { accept: 'application/json' });
    expect(both.status).toBe(422);
    expect(JSON.parse(both.text)).toEqual({ errors: { ends: 'Choose one of the endings this campaign offers.' } });
  });
});

import { useAppWithStripe } from '../helpers/app-with-stripe';
import { donationRow } from '../helpers/ledger-queries';
import { monthlyGift, signIn as supporterSignIn, getPage } from '../supporters/my-gifts-helpers';
import { ensureOtherOrganization, signIn, staffUser, submitForm } from './staff-helpers';

const t = useAppWithStripe();
const planCalls = () => t.stripe.calls('POST', '/v1/subscription_schedules/').filter((c) => c.idempotencyKey?.startsWith('gift-'));

async function entryOf(donationId: string): Promise<number> {
  return Number((await t.app.db('ledger_entries').where({ donation_id: donationId }).orderBy('id').first('id')).id);
}

describe('staff change a monthly gift at the supporter\'s request', () => {
  it('pause, amount and cancel from the gift page, audited with their name, shown to the supporter and on the page', async () => {
    const own = await staffUser(t.app.db, 'staff', 'demo-network');
    const session = await signIn(t.app.baseUrl, own.email, own.password);
    const { donationId, email } = await monthlyGift(t, { installments: 6, paid: 2 });
    const entry = await entryOf(donationId);

    const pause = await submitForm(t.app.baseUrl, session, `/admin/gifts/${entry}/plan/pause`, { months: '1' });
    expect(pause).toMatchObject({ status: 303, location: `/admin/gifts/${entry}?done=gift-changed` });
    const amount = await submitForm(t.app.baseUrl, session, `/admin/gifts/${entry}/plan/amount`, { amount: '25.00' });
    expect(amount.status).toBe(303);
    // The pause not yet begun is kept when the amount changes.
    expect(planCalls()[1]?.body).toMatchObject({ 'phases[1][trial]': 'true', 'phases[2][items][0][price_data][unit_amount]': '2500' });
    const unconfirmed = await submitForm(t.app.baseUrl, session, `/admin/gifts/${entry}/plan/cancel`, {});
    expect(unconfirmed.status).toBe(422);
    expect(t.stripe.calls('DELETE', '/v1/subscriptions/')).toHaveLength(0);
    expect((await submitForm(t.app.baseUrl, session, `/admin/gifts/${entry}/plan/cancel`, { confirm: 'yes' })).status).toBe(303);
    expect((await donationRow(t.app.db, donationId)).status).toBe('cancelled');

    const audit = await t.app.db('audit_log').where({ entity_id: donationId }).orderBy('id').select('action', 'actor_label');
    expect(audit).toEqual(['gift.pause', 'gift.amount', 'gift.cancel'].map((action) => ({ action, actor_label: own.email })));
    const mails = await t.app.db('emails').where({ donation_id: donationId, template: 'gift_changed' });
    expect(mails).toHaveLength(3);

    const res = await fetch(`${t.app.baseUrl}/admin/gifts/${entry}`, { headers: { cookie: session.cookie } });
    const html = await res.text();
    expect(html).toContain('<h2>Monthly gift</h2>');
    expect(html.split(`<td>${own.email} (staff)</td>`)).toHaveLength(4);
    for (const kind of ['pause', 'amount', 'cancel']) expect(html).toContain(`<td>${kind}</td>`);

    const cookie = await supporterSignIn(t, email);
    const mine = await getPage(t, cookie, '/manage/gifts');
    expect(mine.html).toContain('Cancelled (by our staff, at your request)');
    await t.app.drainOutbox();
    const sent = await t.app.db('emails').where({ donation_id: donationId, template: 'gift_changed' }).pluck('status');
    expect(sent).toEqual(['sent', 'sent', 'sent']);
  });

  it('refuses staff of another organization and the sponsor role', async () => {
    await ensureOtherOrganization(t.app.db);
    const other = await staffUser(t.app.db, 'staff', 'other-network');
    const sponsor = await staffUser(t.app.db, 'sponsor');
    const { donationId } = await monthlyGift(t, { installments: 6, paid: 2 });
    const entry = await entryOf(donationId);
    for (const who of [other, sponsor]) {
      const session = await signIn(t.app.baseUrl, who.email, who.password);
      const res = await submitForm(t.app.baseUrl, session, `/admin/gifts/${entry}/plan/pause`, { months: '1' });
      expect([403, 404]).toContain(res.status);
    }
    expect(planCalls()).toHaveLength(0);
  });
});

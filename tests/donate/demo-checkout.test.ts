import { startTestApp, type TestApp } from '../helpers/test-app';
import { donationIdForSession, donationRow, ledgerFor } from '../helpers/ledger-queries';
import { formFields, postForm } from './form-post';
import type { Harness } from '../helpers/app-with-stripe';
import { csrfOf, getPage, post, signIn } from '../supporters/my-gifts-helpers';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ demo: true });
});
afterAll(() => app.close());

const get = async (url: string) => {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, text: (await res.text()).replace(/\u00a0/g, ' ') };
};

/** Form, demo Checkout page, "Pay": what a supporter does in demo mode. */
async function giveThroughDemo(fields: Record<string, string>, lang = 'en') {
  const form = await postForm(app.baseUrl, `/donate/organizer-training?lang=${lang}`, formFields(fields));
  expect(form.status).toBe(303);
  const checkoutUrl = form.location ?? '';
  expect(checkoutUrl).toMatch(new RegExp(`^${app.baseUrl}/demo/checkout/cs_demo_[0-9a-f]{20}$`));
  const sessionId = checkoutUrl.split('/').pop() ?? '';
  const checkoutPage = await get(checkoutUrl);
  const paid = await postForm(app.baseUrl, `/demo/checkout/${sessionId}`, {});
  expect(paid.status).toBe(303);
  return { sessionId, checkoutPage, thanksUrl: paid.location ?? '' };
}

describe('demo mode', () => {
  it('completes a one-time gift through the real webhook: one payment entry with a fee, and progress counts it', async () => {
    const { sessionId, checkoutPage, thanksUrl } = await giveThroughDemo({ amount: '30.00', earmark: 'training_fees' });
    expect(checkoutPage.status).toBe(200);
    expect(checkoutPage.text).toContain('No money moves and no card is charged.');
    expect(checkoutPage.text).toContain('Pay $30.00 (demo)');
    expect(thanksUrl).toBe(`${app.baseUrl}/donate/organizer-training/thanks?session_id=${sessionId}`);

    const donationId = await donationIdForSession(app.db, sessionId);
    const entries = await ledgerFor(app.db, donationId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'payment', gross: 3000, fee: 117, net: 2883, installment: 1, card_last4: '4242' });
    expect((await donationRow(app.db, donationId)).status).toBe('paid');
    const events = await app.db('stripe_events').whereNotNull('processed_at').pluck('type');
    expect(events).toEqual(expect.arrayContaining(['checkout.session.completed', 'charge.updated']));

    const thanks = await get(thanksUrl);
    expect(thanks.text).toContain('Your gift of $30.00 to Organizer training 2027 supports: Training fees.');
    expect(thanks.text).toContain('Your payment is recorded.');
    const progress = await app.getJson('/api/campaigns/organizer-training/progress');
    expect(progress.body.earmarks.find((e: { code: string }) => e.code === 'training_fees').raised).toBe(3000);
  });

  it('starts a monthly gift of 6 payments on a schedule that ends by itself, and records payment 1 of 6', async () => {
    const { sessionId, thanksUrl } = await giveThroughDemo({
      amount: 'other', otherAmount: '20', frequency: 'monthly', installments: '6', coverFees: '1', earmark: 'travel',
    }, 'es');
    const donationId = await donationIdForSession(app.db, sessionId);
    const donation = await donationRow(app.db, donationId);
    expect(donation).toMatchObject({ status: 'active', installments: 6, charge_amount: 2091 });
    expect(donation.stripe_schedule_id).toMatch(/^sub_sched_demo_/);
    const schedule = await app.db('demo_stripe_objects').where({ id: donation.stripe_schedule_id }).first();
    const data = typeof schedule.data === 'string' ? JSON.parse(schedule.data) : schedule.data;
    expect(data.end_behavior).toBe('cancel');
    const months = (new Date(data.phase_end * 1000).getUTCFullYear() - new Date(data.phase_start * 1000).getUTCFullYear()) * 12
      + new Date(data.phase_end * 1000).getUTCMonth() - new Date(data.phase_start * 1000).getUTCMonth();
    expect(months).toBe(6);

    const entries = await ledgerFor(app.db, donationId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ gross: 2091, fee: 91, net: 2000, installment: 1 });
    expect(entries[0]?.stripe_invoice_id).toMatch(/^in_demo_/);

    const thanks = await get(thanksUrl);
    expect(thanks.text).toContain('<html lang="es">');
    expect(thanks.text).toContain('Su donación mensual de 20,91 US$');
    expect(thanks.text).toMatch(/6 pagos de 20,91 US\$, el último en \w+ de \d{4}/);
    expect(thanks.text).toContain('href="/manage?lang&#x3D;es"');
  });

  it('pays once however often "Pay" is pressed', async () => {
    const { sessionId } = await giveThroughDemo({ amount: '10.00' });
    const again = await postForm(app.baseUrl, `/demo/checkout/${sessionId}`, {});
    expect(again.status).toBe(303);
    expect(await ledgerFor(app.db, await donationIdForSession(app.db, sessionId))).toHaveLength(1);
  });

  it('shows a thank-you page only for a real session of that campaign, and never who gave', async () => {
    const { sessionId, thanksUrl } = await giveThroughDemo({ amount: '10.00', firstName: 'Zelda', lastName: 'Quintana', email: 'zelda@example.org' });
    const thanks = await get(thanksUrl);
    expect(thanks.status).toBe(200);
    for (const personal of ['Zelda', 'Quintana', 'zelda@example.org']) expect(thanks.text).not.toContain(personal);
    const guessed = await get(`${app.baseUrl}/donate/organizer-training/thanks?session_id=cs_demo_00000000000000000000`);
    expect(guessed.status).toBe(404);
    expect(guessed.text).not.toContain('$10.00');
    expect((await get(`${app.baseUrl}/donate/other-campaign/thanks?session_id=${sessionId}`)).status).toBe(404);
    expect((await get(`${app.baseUrl}/donate/organizer-training/thanks`)).status).toBe(404);
  });

  it('refuses a checkout page that does not exist', async () => {
    expect((await get(`${app.baseUrl}/demo/checkout/cs_demo_ffffffffffffffffffff`)).status).toBe(404);
  });
});

describe('demo mode, "Update my card"', () => {
  const demoObject = async (id: string) => {
    const row = await app.db('demo_stripe_objects').where({ id }).first('data');
    return typeof row.data === 'string' ? JSON.parse(row.data) : row.data;
  };

  it('goes through the demo\'s setup page and Stripe\'s events: the new card is the subscription\'s, recorded and confirmed in Spanish', async () => {
    const email = `lucia.${Math.random().toString(16).slice(2, 10)}@example.org`;
    const { sessionId } = await giveThroughDemo({ frequency: 'monthly', installments: '6', email }, 'es');
    const donationId = await donationIdForSession(app.db, sessionId);
    const { stripe_subscription_id: subscriptionId, stripe_schedule_id: scheduleId } = await donationRow(app.db, donationId);
    const [subscriptionBefore, scheduleBefore] = [await demoObject(subscriptionId), await demoObject(scheduleId)];

    const t = { app } as Harness;
    const cookie = await signIn(t, email, 'es');
    const page = await getPage(t, cookie, '/manage/gifts?lang=es');
    const start = await post(t, cookie, `/manage/gifts/${donationId}/card?lang=es`, { _csrf: csrfOf(page.html) });
    expect(start.status).toBe(303);
    expect(start.location).toMatch(new RegExp(`^${app.baseUrl}/demo/checkout/cs_demo_[0-9a-f]{20}$`));
    const cardPage = await get(start.location ?? '');
    expect(cardPage.text).toContain('Guardar esta tarjeta (demostración)');
    const saved = await postForm(app.baseUrl, new URL(start.location ?? '').pathname, {});
    expect(saved).toMatchObject({ status: 303, location: `${app.baseUrl}/manage/gifts?lang=es&done=card#gift-${donationId}` });

    const subscription = await demoObject(subscriptionId);
    expect(subscription.default_payment_method).not.toBe(subscriptionBefore.default_payment_method);
    const confirmed = await app.db('gift_changes').where({ donation_id: donationId, kind: 'card' }).whereRaw("after->>'paymentMethod' is not null");
    expect(confirmed.map((c) => c.after)).toEqual([{ paymentMethod: subscription.default_payment_method, brand: 'mastercard', last4: '4444' }]);
    expect(await app.db('emails').where({ donation_id: donationId, template: 'gift_changed' }).pluck('locale')).toEqual(['es']);
    expect(await demoObject(scheduleId)).toEqual(scheduleBefore);
    const mine = await getPage(t, cookie, '/manage/gifts?lang=es&done=card');
    expect(mine.html).toContain('Tarjeta nueva en uso, terminada en 4444');
  });
});


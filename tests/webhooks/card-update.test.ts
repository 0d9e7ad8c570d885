import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { donationRow, ledgerFor } from '../helpers/ledger-queries';
import { fixture } from '../fixtures/stripe';
import { act, getPage, monthlyGift, signIn as supporterSignIn } from '../supporters/my-gifts-helpers';
import { signIn, staffUser } from '../staff/staff-helpers';

const t = useAppWithStripe();

/** The supporter presses "Update my card" and enters a new card on Stripe's setup-mode Checkout page. */
async function newCardOnStripe(donationId: string, email: string, lang: 'en' | 'es') {
  const res = await act(t, email, `/manage/gifts/${donationId}/card?lang=${lang}`, {}, lang);
  expect(res.status).toBe(303);
  const [create] = t.stripe.calls('POST', '/v1/checkout/sessions').filter((c) => c.body.mode === 'setup');
  const sessionId = [...t.stripe.objects.values()].find((o) => o.object === 'checkout.session' && o.mode === 'setup')?.id as string;
  expect(res.location).toBe(`https://checkout.stripe.com/c/pay/${sessionId}`);
  return { create, ...t.stripe.completeSetup(sessionId, { brand: 'mastercard', last4: '4444' }) };
}

const cardRows = (donationId: string) => t.app.db('gift_changes').where({ donation_id: donationId, kind: 'card' }).orderBy('id')
  .select('actor_kind', 'actor_label', 'before', 'after');
const confirmations = (donationId: string) => t.app.db('emails').where({ donation_id: donationId, template: 'gift_changed' });

describe('a supporter replaces the card of a monthly gift', () => {
  it('Stripe\'s subscription update confirms it: recorded and audited as theirs, one email in Spanish, on the staff page, once', async () => {
    // Given in English; the supporter uses "my gifts" in Spanish, and is answered in Spanish.
    const { donationId, subscription, email } = await monthlyGift(t, { installments: 6, paid: 2, locale: 'en' });
    const scheduleId = (await donationRow(t.app.db, donationId)).stripe_schedule_id as string;
    const phasesBefore = structuredClone(t.stripe.get(scheduleId).phases);
    const oldCard = subscription.default_payment_method as string;

    const { create, session, paymentMethod, setupIntent } = await newCardOnStripe(donationId, email, 'es');
    // A setup-mode Checkout for this gift's own customer and subscription; no customer portal.
    expect(create?.body).toMatchObject({
      mode: 'setup', customer: subscription.customer as string, currency: 'usd', locale: 'es', 'allowed_payment_method_types[0]': 'card',
      'metadata[donation_id]': donationId, 'metadata[subscription_id]': subscription.id,
      'setup_intent_data[metadata][subscription_id]': subscription.id,
      success_url: `http://localhost:3000/manage/gifts?lang=es&done=card#gift-${donationId}`,
    });
    expect(t.stripe.calls('POST', '/v1/billing_portal/sessions')).toHaveLength(0);

    // Checkout completed: after the event's commit, a job makes the new card the subscription's default.
    await t.app.deliver('checkout.session.completed', session);
    const updates = t.stripe.calls('POST', `/v1/subscriptions/${subscription.id}`);
    expect(updates.map((u) => [u.body, u.idempotencyKey])).toEqual([[{ default_payment_method: paymentMethod.id }, `card-${setupIntent.id}`]]);
    expect(t.stripe.get(subscription.id).default_payment_method).toBe(paymentMethod.id);
    expect(await confirmations(donationId)).toHaveLength(0);

    // Stripe's event for that update names the old card in previous_attributes.
    expect(t.stripe.subscriptionUpdates).toEqual([{ id: subscription.id, previous: { default_payment_method: oldCard } }]);
    const event = { id: 'evt_test_card_changed_1', previousAttributes: { default_payment_method: oldCard } };
    await t.app.deliver('customer.subscription.updated', t.stripe.get(subscription.id), event);

    const rows = await cardRows(donationId);
    expect(rows).toEqual([
      { actor_kind: 'supporter', actor_label: `supporter ${email}`, before: {}, after: { page: 'stripe', locale: 'es' } },
      {
        actor_kind: 'supporter', actor_label: `supporter ${email}`, before: { paymentMethod: oldCard },
        after: { paymentMethod: paymentMethod.id, brand: 'mastercard', last4: '4444' },
      },
    ]);
    const audit = await t.app.db('audit_log').where({ entity_id: donationId, action: 'gift.card' }).orderBy('id').select('actor_label', 'after');
    expect(audit.at(-1)).toEqual({ actor_label: `supporter ${email}`, after: { paymentMethod: paymentMethod.id, brand: 'mastercard', last4: '4444' } });

    // Delivered again, and the same change in a second event: nothing more.
    expect((await t.app.sendEvent('customer.subscription.updated', t.stripe.get(subscription.id), event)).status).toBe(200);
    await t.app.deliver('customer.subscription.updated', t.stripe.get(subscription.id), { previousAttributes: { default_payment_method: oldCard } });
    expect(await cardRows(donationId)).toHaveLength(2);
    expect(await t.app.db('audit_log').where({ entity_id: donationId, action: 'gift.card' })).toHaveLength(audit.length);
    const mails = await confirmations(donationId);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ locale: 'es', status: 'queued' });

    await t.app.drainOutbox();
    const sent = await simpleParser(fs.readFileSync(path.join(t.app.dataDir, 'outbox', `${mails[0].id}.eml`)));
    expect(sent.subject).toBe('Su tarjeta para la donación mensual a Demo Immigrant Rights Network está actualizada');
    expect(sent.text).toContain('ahora se cobra a su tarjeta nueva (Mastercard terminada en 4444), a partir del próximo pago.');
    expect(sent.text).toContain('Sigue terminando después de 6 pagos en total.');

    // The staff gift page and "my gifts" list the change.
    const staff = await staffUser(t.app.db, 'staff', 'demo-network');
    const staffSession = await signIn(t.app.baseUrl, staff.email, staff.password);
    const entry = Number((await t.app.db('ledger_entries').where({ donation_id: donationId }).orderBy('id').first('id')).id);
    const page = await (await fetch(`${t.app.baseUrl}/admin/gifts/${entry}`, { headers: { cookie: staffSession.cookie } })).text();
    expect(page).toContain(`<td>card</td><td>supporter ${email} (supporter)</td>`);
    expect(page).toContain('&quot;last4&quot;: &quot;4444&quot;');
    const mine = await getPage(t, await supporterSignIn(t, email, 'es'), '/manage/gifts?lang=es');
    expect(mine.html).toContain('Tarjeta nueva en uso, terminada en 4444');

    // The schedule is as it was: same phases, no schedule write; the gift still ends after payment 6.
    expect(t.stripe.get(scheduleId).phases).toEqual(phasesBefore);
    expect(t.stripe.calls('POST', '/v1/subscription_schedules/').filter((c) => c.idempotencyKey?.startsWith('gift-'))).toHaveLength(0);
    for (const k of [3, 4, 5, 6]) await t.app.deliver('invoice.paid', t.stripe.invoice(subscription, k).invoice);
    await t.app.deliver('customer.subscription.deleted', t.stripe.endOfSchedule(subscription.id));
    expect((await ledgerFor(t.app.db, donationId)).map((e) => e.installment)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await donationRow(t.app.db, donationId)).status).toBe('completed');
  });

  it('the first card a subscription gets is no change, and an update that leaves the card alone records nothing', async () => {
    const { donationId, subscription } = await monthlyGift(t, { installments: null, paid: 1 });
    await t.app.deliver('customer.subscription.updated', subscription, { previousAttributes: { default_payment_method: null } });
    await t.app.deliver('customer.subscription.updated', subscription, { previousAttributes: { status: 'incomplete' } });
    expect(await cardRows(donationId)).toHaveLength(0);
    expect(await confirmations(donationId)).toHaveLength(0);
    expect(t.stripe.calls('GET', '/v1/payment_methods/')).toHaveLength(0);
  });

  it('a saved card is not applied to a subscription the session does not belong to', async () => {
    const { donationId, email } = await monthlyGift(t, { installments: 6, paid: 1 });
    const other = await monthlyGift(t, { installments: 6, paid: 1 });
    const { session } = await newCardOnStripe(donationId, email, 'en');
    // The session's metadata is ours, but names another gift's subscription.
    const forged = { ...session, metadata: { ...(session.metadata as object), subscription_id: other.subscription.id } };
    await t.app.deliver('checkout.session.completed', forged);
    expect(t.stripe.calls('POST', '/v1/subscriptions/')).toHaveLength(0);
    expect(await t.app.db('ledger_jobs').where({ kind: 'card_update' }).whereRaw("payload->>'donationId' = ?", [donationId])).toHaveLength(0);
  });
});

describe('card events of another integration on the sponsor\'s Stripe account', () => {
  it('are answered 200 and record nothing', async () => {
    const count = async (table: string, where: Record<string, string>) => (await t.app.db(table).where(where)).length;
    const [changesBefore, jobsBefore] = [await count('gift_changes', { kind: 'card' }), await count('ledger_jobs', { kind: 'card_update' })];
    const theirs = fixture('subscription', { id: 'sub_test_gala_membership', customer: 'cus_test_gala', metadata: { member: '42' }, default_payment_method: 'pm_test_new' });
    const res = await t.app.sendEvent('customer.subscription.updated', theirs, { previousAttributes: { default_payment_method: 'pm_test_old' } });
    expect(res.status).toBe(200);
    const setup = fixture('checkout_session', {
      id: 'cs_test_gala_card', mode: 'setup', payment_status: 'no_payment_required', amount_total: null, payment_intent: null,
      setup_intent: 'seti_test_gala', customer: 'cus_test_gala', metadata: {},
    });
    expect((await t.app.sendEvent('checkout.session.completed', setup)).status).toBe(200);
    const ignored = await t.app.db('stripe_events').whereIn('object_id', [theirs.id, setup.id]).pluck('ignored_reason');
    expect(ignored).toEqual(['not_colecta', 'not_colecta']);
    expect(await count('gift_changes', { kind: 'card' })).toBe(changesBefore);
    expect(await count('ledger_jobs', { kind: 'card_update' })).toBe(jobsBefore);
    expect(t.stripe.calls('GET', '/v1/payment_methods/')).toHaveLength(0);
    expect(t.stripe.calls('GET', '/v1/setup_intents/')).toHaveLength(0);
  });
});

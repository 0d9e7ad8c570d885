import nock from 'nock';
import { buildCheckoutBody } from '../factories/checkout-body';
import { useAppWithStripe } from '../helpers/app-with-stripe';

const t = useAppWithStripe();

/** Values no log line may contain, unusual enough that a hit cannot be a coincidence. */
const supporter = {
  firstName: 'Xiomara', lastName: 'Quetzalcoatl-Ybarra', email: 'xiomara.private@example.org', phone: '+1 206 555 0177',
  address: { line1: '4417 Hidden Alder Ln', line2: 'Apt 9Z', city: 'Wenatchee', region: 'WA', postalCode: '98807', country: 'US' },
};
const note = 'Please keep this between us, sanctuary fund';
const secrets = [supporter.firstName, supporter.lastName, supporter.email, supporter.phone, supporter.address.line1,
  supporter.address.line2, supporter.address.city, supporter.address.postalCode, note];

function leaks(lines: string[]): string[] {
  return lines.filter((line) => secrets.some((s) => line.includes(s))
    || line.includes('"object":"checkout.session"') || line.includes('"data":{"object"'));
}

describe('logs keep supporters private', () => {
  it('never contain contact details, notes or webhook payloads over a whole gift, its failures and its renewal', async () => {
    const from = t.app.logLines.length;

    const once = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ supporter, note }));
    expect(once.status).toBe(201);
    const paid = t.stripe.payOneTime(once.body.id);
    await t.app.deliver('checkout.session.completed', { ...paid.session, customer_details: { email: supporter.email, name: `${supporter.firstName} ${supporter.lastName}`, phone: supporter.phone, address: { line1: supporter.address.line1 } } });
    await t.app.deliver('charge.updated', paid.charge);

    const monthly = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ supporter, note, frequency: 'monthly', installments: 6 }));
    expect(monthly.status).toBe(201);
    const started = t.stripe.startSubscription(monthly.body.id);
    await t.app.deliver('checkout.session.completed', started.session);
    await t.app.deliver('invoice.paid', started.invoice);

    // A handler that fails (Stripe down) logs the error, not the event.
    const renewal = t.stripe.invoice(started.subscription, 2);
    t.stripe.failNext.set(`/v1/subscriptions/${started.subscription.id}`, 5);
    t.stripe.failNext.set('/v1/invoice_payments', 5);
    await t.app.sendEvent('invoice.paid', renewal.invoice);

    // Invalid input is answered field by field without being logged.
    expect((await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ supporter: { ...supporter, email: 'xiomara.private@' } }))).status).toBe(422);

    // Stripe echoes the email in its error message; that message must not reach the log.
    t.stripe.close();
    nock('https://api.stripe.com').post('/v1/checkout/sessions').reply(400, {
      error: { type: 'invalid_request_error', code: 'email_invalid', param: 'customer_email', message: `Invalid email address: ${supporter.email}` },
    });
    expect((await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ supporter, note }))).status).toBe(502);

    const lines = t.app.logLines.slice(from);
    expect(lines.some((l) => l.includes('payment recorded'))).toBe(true);
    expect(lines.some((l) => l.includes('Stripe refused the checkout session'))).toBe(true);
    expect(lines.some((l) => l.includes('webhook event failed'))).toBe(true);
    expect(leaks(lines)).toEqual([]);
  });
});

import { createStripeGateway } from '../../src/stripe/stripe-gateway';
import { FakeStripe } from './fake-stripe';
import { serveOverHttp, type StripeServer } from './over-http';

let server: StripeServer | undefined;
afterEach(async () => {
  await server?.close();
});

describe('the fake Stripe over HTTP (the webhook benchmark\'s)', () => {
  it('answers the SDK for an invoice it was seeded with, as Stripe would for invoice.paid, and counts requests by route', async () => {
    const fake = new FakeStripe({ recordRequests: false });
    fake.paidInvoice('bench1', { amount: 2000, currency: 'usd', metadata: { donation_id: 'd1' } });
    server = await serveOverHttp(fake);
    const gateway = createStripeGateway({ secretKey: 'sk_test_fake', webhookSecret: 'whsec_fake', apiBase: server.url, maxNetworkRetries: 0 });

    expect(await gateway.findInvoicePaymentIntent('in_bench1')).toBe('pi_bench1');
    expect(await gateway.findInvoicePaymentIntent('in_other')).toBeNull();
    expect(await gateway.retrievePaymentIntentCharge('pi_bench1')).toMatchObject({
      id: 'ch_bench1', status: 'succeeded', paymentIntentId: 'pi_bench1',
      balanceTransaction: { id: 'txn_bench1', amount: 2000, fee: 88, net: 1912, currency: 'usd' },
    });
    await expect(gateway.retrievePaymentIntentCharge('pi_other')).rejects.toThrow(/No such object/);

    expect(Object.fromEntries(server.requests)).toEqual({
      'GET /v1/invoice_payments': 2, 'GET /v1/payment_intents/:id': 1, unknown: 1,
    });
    expect(fake.requests).toEqual([]);
  });

  it('expands only what the request asks for, as the pinned API version does', async () => {
    const fake = new FakeStripe();
    fake.paidInvoice('x1', { amount: 500, currency: 'eur' });
    server = await serveOverHttp(fake);
    const get = async (path: string) => (await fetch(`${server?.url}${path}`)).json() as Promise<Record<string, unknown>>;

    expect((await get('/v1/payment_intents/pi_x1')).latest_charge).toBe('ch_x1');
    const charge = (await get('/v1/payment_intents/pi_x1?expand[0]=latest_charge')).latest_charge as Record<string, unknown>;
    expect(charge).toMatchObject({ id: 'ch_x1', balance_transaction: 'txn_x1' });
    const deep = await get('/v1/payment_intents/pi_x1?expand[0]=latest_charge.balance_transaction');
    expect(deep.latest_charge).toMatchObject({ id: 'ch_x1', balance_transaction: { id: 'txn_x1', amount: 500, currency: 'eur' } });
    expect(fake.get('pi_x1').latest_charge).toBe('ch_x1');
  });
});

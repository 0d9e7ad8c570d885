import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Just enough of Stripe's API (version 2026-10-28.endive) for invoice.paid: the invoice's
 * payments, and the payment intent with its charge and balance transaction expanded. Every id
 * shares its invoice's suffix, so in_X is paid by pi_X through ch_X and txn_X.
 */
export interface FakeStripe {
  readonly url: string;
  /** Requests answered, by "METHOD /v1/resource"; 404s under "unknown". */
  readonly requests: Map<string, number>;
  close(): Promise<void>;
}

const now = () => Math.floor(Date.now() / 1000);

function balanceTransaction(suffix: string) {
  return {
    id: `txn_${suffix}`, object: 'balance_transaction', amount: 2000, available_on: now() + 2 * 86400,
    balance_type: 'payments', created: now(), currency: 'usd', description: 'Subscription creation', exchange_rate: null,
    fee: 88, fee_details: [{ amount: 88, application: null, currency: 'usd', description: 'Stripe processing fees', type: 'stripe_fee' }],
    net: 1912, reporting_category: 'charge', source: `ch_${suffix}`, status: 'pending', type: 'charge',
  };
}

function charge(suffix: string, expandBalance: boolean) {
  return {
    id: `ch_${suffix}`, object: 'charge', amount: 2000, amount_captured: 2000, amount_refunded: 0,
    balance_transaction: expandBalance ? balanceTransaction(suffix) : `txn_${suffix}`,
    billing_details: { address: null, email: null, name: null, phone: null }, captured: true, created: now(),
    currency: 'usd', customer: `cus_${suffix}`, description: 'Subscription creation', disputed: false,
    failure_code: null, failure_message: null, livemode: false, metadata: {}, paid: true,
    payment_intent: `pi_${suffix}`, payment_method: `pm_${suffix}`,
    payment_method_details: { type: 'card', card: { brand: 'visa', country: 'US', exp_month: 12, exp_year: 2030, funding: 'credit', last4: '4242' } },
    refunded: false, status: 'succeeded',
  };
}

function paymentIntent(suffix: string, expand: string[]) {
  const chargeExpanded = expand.some((e) => e === 'latest_charge' || e.startsWith('latest_charge.'));
  return {
    id: `pi_${suffix}`, object: 'payment_intent', amount: 2000, amount_capturable: 0, amount_received: 2000,
    capture_method: 'automatic', client_secret: null, confirmation_method: 'automatic', created: now(), currency: 'usd',
    customer: `cus_${suffix}`, description: 'Subscription creation', last_payment_error: null,
    latest_charge: chargeExpanded ? charge(suffix, expand.includes('latest_charge.balance_transaction')) : `ch_${suffix}`,
    livemode: false, metadata: {}, payment_method: `pm_${suffix}`, payment_method_types: ['card'], status: 'succeeded',
  };
}

function invoicePayments(suffix: string) {
  return {
    object: 'list', url: '/v1/invoice_payments', has_more: false,
    data: [{
      id: `inpay_${suffix}`, object: 'invoice_payment', amount_paid: 2000, amount_requested: 2000, created: now(),
      currency: 'usd', invoice: `in_${suffix}`, is_default: true, livemode: false,
      payment: { type: 'payment_intent', payment_intent: `pi_${suffix}` },
      status: 'paid', status_transitions: { canceled_at: null, paid_at: now() },
    }],
  };
}

function route(method: string, url: URL): { key: string; status: number; body: unknown } {
  const suffixOf = (id: string | null | undefined, prefix: string) =>
    id && id.startsWith(prefix) && /^\w+$/.test(id) ? id.slice(prefix.length) : null;
  if (method === 'GET' && url.pathname === '/v1/invoice_payments') {
    const suffix = suffixOf(url.searchParams.get('invoice'), 'in_');
    if (suffix) return { key: 'GET /v1/invoice_payments', status: 200, body: invoicePayments(suffix) };
  }
  const intent = /^\/v1\/payment_intents\/([^/]+)$/.exec(url.pathname);
  if (method === 'GET' && intent) {
    const suffix = suffixOf(intent[1], 'pi_');
    // The SDK sends expand[0]=… (or expand[]=…) in the query string.
    const expand = [...url.searchParams].filter(([k]) => k.startsWith('expand[')).map(([, v]) => v);
    if (suffix) return { key: 'GET /v1/payment_intents/:id', status: 200, body: paymentIntent(suffix, expand) };
  }
  return {
    key: 'unknown',
    status: 404,
    body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `Unrecognized request URL (${method}: ${url.pathname})` } },
  };
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const requests = new Map<string, number>();
  let requestNumber = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const answer = route(req.method ?? 'GET', new URL(req.url ?? '/', 'http://fake-stripe'));
      requests.set(answer.key, (requests.get(answer.key) ?? 0) + 1);
      const body = JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        'Request-Id': `req_bench${++requestNumber}`,
        'Stripe-Version': '2026-10-28.endive',
      });
      res.end(body);
    });
  });
  // Longer than the SDK's keep-alive use, so a reused socket is never closed under a request.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed = false;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      if (closed) return Promise.resolve();
      closed = true;
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

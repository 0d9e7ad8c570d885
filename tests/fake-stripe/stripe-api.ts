import { randomBytes } from 'node:crypto';
import { fixture, type StripeObject } from '../fixtures/stripe';
import { addMonthsUtc } from '../../src/lib/months';
import { ObjectStore, type ListName } from './object-store';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: Record<string, string>;
  readonly idempotencyKey: string | undefined;
}

export interface Answer {
  readonly status: number;
  readonly body: unknown;
  /** The route that answered, as "METHOD /v1/resource/:id"; null when none knows the path. */
  readonly route: string | null;
}

/** One request for a page of balance transactions, as its query named it. */
export interface PageRequest {
  readonly payout: string | null;
  readonly limit: string | null;
  readonly startingAfter: string | null;
}

type Reply = readonly [number, unknown];
type Handler = (request: RecordedRequest, id: string) => Reply;

export const newId = (prefix: string) => `${prefix}_test_${randomBytes(8).toString('hex')}`;
export const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

const list = (url: string, data: unknown[]) => ({ object: 'list', data, has_more: false, url });
const notFound = (path: string): Reply =>
  [404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such object: ${path}` } }];
const badRequest = (message: string, param?: string): Reply => [400, { error: { type: 'invalid_request_error', message, ...(param ? { param } : {}) } }];
const missingParam = (param: string, what: string, id: string): Reply =>
  [400, { error: { type: 'invalid_request_error', code: 'resource_missing', param, message: `No such ${what}: '${id}'` } }];
const stripeHavingAMoment: Reply = [500, { error: { type: 'api_error', message: 'Stripe is having a moment' } }];
/** Stripe's answer to a request over its rate limit (https://docs.stripe.com/rate-limits). */
const overTheRateLimit: Reply = [429, { error: {
  type: 'invalid_request_error', code: 'rate_limit', doc_url: 'https://stripe.com/docs/error-codes/rate-limit',
  message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
} }];
/** The SDK sends expand[0]=… (or expand[]=…), in the query string of a GET and in the form of a POST. */
const expandsOf = (params: Iterable<[string, string]>) => [...params].filter(([k]) => k.startsWith('expand[')).map(([, v]) => v);
const RETRIEVABLE = ['balance_transactions', 'payouts', 'subscriptions', 'subscription_schedules', 'charges', 'invoices', 'setup_intents', 'payment_methods'];

/**
 * Stripe's API (version 2026-10-28.endive) over the objects the fake holds: the calls Colecta
 * makes, answered with payloads of the pinned version. It knows no transport: nock
 * (./over-nock.ts) or a loopback HTTP server (./over-http.ts) hands it each request.
 */
export class StripeApi {
  readonly requests: RecordedRequest[] = [];
  readonly objects = new ObjectStore();
  /** Answers to give as a 500 (Stripe having a moment), by path, counted down per request. */
  readonly failNext = new Map<string, number>();
  /** Answers to give as a 429 (over Stripe's rate limit), by path, counted down per request. */
  readonly rateLimitNext = new Map<string, number>();
  /** The `previous_attributes` of each subscription update Colecta asked for, in order. */
  readonly subscriptionUpdates: Array<{ id: string; previous: Record<string, unknown> }> = [];
  private readonly refundsByKey = new Map<string, string>();
  private readonly failing = new Map<string, { seen: number; numbers: ReadonlySet<number> }>();
  private readonly routes: Array<{ readonly method: string; readonly segments: string[]; readonly route: string; readonly handle: Handler }> = [];

  /** `recordRequests: false` keeps no log of requests (`calls` finds none): for a long benchmark. */
  constructor(private readonly options: { recordRequests?: boolean } = {}) {
    const on = (method: string, pattern: string, handle: Handler) =>
      this.routes.push({ method, segments: pattern.split('/'), route: `${method} ${pattern}`, handle });
    on('POST', '/v1/checkout/sessions', (r) => [200, this.createSession(r.body)]);
    on('POST', '/v1/billing_portal/sessions', (r) => [200, {
      id: newId('bps'), object: 'billing_portal.session', customer: r.body.customer, return_url: r.body.return_url,
      url: `https://billing.stripe.com/p/session/${r.body.customer}`,
    }]);
    on('GET', '/v1/payment_intents/:id', (r, id) => this.retrieve(id, r));
    on('GET', '/v1/invoice_payments', (r) => {
      const intent = r.query.get('payment[payment_intent]');
      const data = intent ? this.objects.find('invoicePaymentsOfIntent', intent)
        : this.objects.find('invoicePaymentsOfInvoice', r.query.get('invoice')).filter((o) => o.status === 'paid');
      return [200, this.expand(list('/v1/invoice_payments', data), r)];
    });
    on('GET', '/v1/refunds', (r) => [200, this.expand(list('/v1/refunds', this.objects.find('refundsOfCharge', r.query.get('charge'))), r)]);
    on('POST', '/v1/refunds', (r) => this.createRefund(r));
    on('GET', '/v1/balance_transactions', (r) => {
      const payout = r.query.get('payout');
      // Colecta lists balance transactions by payout only; the fake keeps no list of them all.
      if (!payout) return badRequest('The fake Stripe lists balance transactions by payout only: pass payout', 'payout');
      if (this.objects.get(payout)?.object !== 'payout') return missingParam('payout', 'payout', payout);
      return this.page('/v1/balance_transactions', 'balanceTransactionsOfPayout', payout, r);
    });
    on('GET', '/v1/invoices', (r) => {
      const status = r.query.get('status');
      const data = this.objects.find('invoicesOfSubscription', r.query.get('subscription')).filter((o) => !status || o.status === status);
      return [200, this.expand(list('/v1/invoices', data), r)];
    });
    on('POST', '/v1/subscription_schedules', (r) => this.createSchedule(r.body.from_subscription ?? ''));
    on('POST', '/v1/subscription_schedules/:id', (r, id) => this.updateSchedule(id, r.body));
    on('POST', '/v1/subscriptions/:id', (r, id) => this.updateSubscription(id, r.body));
    on('DELETE', '/v1/subscriptions/:id', (r, id) => {
      const sub = this.objects.get(id);
      if (!sub) return notFound(r.path);
      Object.assign(sub, { status: 'canceled', ended_at: seconds(new Date()), canceled_at: seconds(new Date()) });
      return [200, sub];
    });
    for (const resource of RETRIEVABLE) on('GET', `/v1/${resource}/:id`, (r, id) => this.retrieve(id, r));
  }

  /** One API request, recorded (unless told not to) and answered. */
  answer(method: string, url: URL, body: Record<string, string>, idempotencyKey?: string): Answer {
    const request: RecordedRequest = { method, path: url.pathname, query: url.searchParams, body, idempotencyKey };
    if (this.options.recordRequests !== false) this.requests.push(request);
    const failing = this.failing.get(request.path);
    if (failing) {
      failing.seen += 1;
      if (failing.numbers.has(failing.seen)) return { status: stripeHavingAMoment[0], body: stripeHavingAMoment[1], route: null };
    }
    const failures = this.failNext.get(request.path) ?? 0;
    if (failures > 0) {
      this.failNext.set(request.path, failures - 1);
      return { status: stripeHavingAMoment[0], body: stripeHavingAMoment[1], route: null };
    }
    const limited = this.rateLimitNext.get(request.path) ?? 0;
    if (limited > 0) {
      this.rateLimitNext.set(request.path, limited - 1);
      return { status: overTheRateLimit[0], body: overTheRateLimit[1], route: null };
    }
    const segments = request.path.split('/');
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== segments.length) continue;
      if (route.segments.some((s, i) => (s === ':id' ? !segments[i] : s !== segments[i]))) continue;
      const [status, answer] = route.handle(request, segments[route.segments.indexOf(':id')] ?? '');
      return { status, body: answer, route: route.route };
    }
    const [status, answer] = notFound(request.path);
    return { status, body: answer, route: null };
  }

  /**
   * Answers these requests to `path` with a 500, counted from the next one (1): failRequests(path, 2)
   * lets the next request through and fails the one after it, as Stripe failing mid-listing.
   */
  failRequests(path: string, ...numbers: number[]): void {
    this.failing.set(path, { seen: 0, numbers: new Set(numbers) });
  }

  /** Each page of balance transactions asked for, in order, failed or not (none when requests are not recorded). */
  get pages(): PageRequest[] {
    return this.requests.filter((r) => r.method === 'GET' && r.path === '/v1/balance_transactions')
      .map((r) => ({ payout: r.query.get('payout'), limit: r.query.get('limit'), startingAfter: r.query.get('starting_after') }));
  }

  calls(method: string, pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  get<T extends StripeObject = StripeObject>(id: string): T {
    const object = this.objects.get(id);
    if (!object) throw new Error(`no ${id} in the Stripe world`);
    return object as T;
  }

  protected put(object: StripeObject): StripeObject {
    this.objects.set(object.id, object);
    return object;
  }

  /**
   * One page of a list, as Stripe's list API answers: newest first, `limit` (default 10, 1 to
   * 100) objects after `starting_after` (or before `ending_before`), `has_more` when more follow.
   */
  private page(url: string, list: ListName, key: string, request: RecordedRequest): Reply {
    const limitParam = request.query.get('limit');
    const limit = limitParam === null ? 10 : Number(limitParam);
    if (!Number.isInteger(limit)) return badRequest(`Invalid integer: ${limitParam}`, 'limit');
    if (limit < 1) return badRequest('This value must be greater than or equal to 1.', 'limit');
    if (limit > 100) return badRequest('This value must be less than or equal to 100.', 'limit');
    const startingAfter = request.query.get('starting_after');
    const endingBefore = request.query.get('ending_before');
    if (startingAfter && endingBefore) return badRequest('You may only specify one of these parameters: ending_before, starting_after.');
    const found = this.objects.page(list, key, { limit, startingAfter, endingBefore });
    const cursor = startingAfter ? 'starting_after' : 'ending_before';
    if (!found) return missingParam(cursor, 'object', request.query.get(cursor) ?? '');
    return [200, this.expand({ object: 'list', data: found.data, has_more: found.hasMore, url }, request)];
  }

  private retrieve(id: string, request: RecordedRequest): Reply {
    const object = this.objects.get(id);
    return object ? [200, this.expand(object, request)] : notFound(request.path);
  }

  /** Stripe's `expand`: each dotted path swaps an id for the object it names (`data.` reaches into a list). */
  private expand(object: unknown, request: RecordedRequest): unknown {
    const paths = expandsOf(request.method === 'GET' ? request.query : Object.entries(request.body));
    return paths.reduce((value, path) => this.expandPath(value, path.split('.')), object);
  }

  private expandPath(value: unknown, path: string[]): unknown {
    const [field, ...rest] = path;
    if (field === undefined || !value || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    const resolve = (child: unknown) => this.expandPath(typeof child === 'string' ? this.objects.get(child) ?? child : child, rest);
    const child = record[field];
    return { ...record, [field]: Array.isArray(child) ? child.map(resolve) : resolve(child) };
  }

  private createSession(form: Record<string, string>): StripeObject {
    const mode = form.mode ?? 'payment';
    const id = newId('cs');
    const donationId = form['metadata[donation_id]'] ?? null;
    if (mode === 'setup') return this.createSetupSession(id, form);
    return this.put(fixture('checkout_session', {
      id,
      mode,
      status: 'open',
      payment_status: 'unpaid',
      amount_total: Number(form['line_items[0][price_data][unit_amount]']),
      amount_subtotal: Number(form['line_items[0][price_data][unit_amount]']),
      currency: form['line_items[0][price_data][currency]'],
      customer: form.customer ?? null,
      customer_email: form.customer_email ?? null,
      client_reference_id: form.client_reference_id ?? null,
      metadata: donationId ? { donation_id: donationId } : {},
      payment_intent: null,
      subscription: null,
      submit_type: form.submit_type ?? null,
      locale: form.locale ?? null,
      url: `https://checkout.stripe.com/c/pay/${id}`,
      subscription_metadata: donationId ? { donation_id: donationId } : {},
    }));
  }

  /** A setup-mode session (a new card): no amount, no line items, its metadata as sent. */
  private createSetupSession(id: string, form: Record<string, string>): StripeObject {
    const metadataOf = (prefix: string) => Object.fromEntries(Object.entries(form).filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length, -1), v]));
    return this.put(fixture('checkout_session', {
      id, mode: 'setup', status: 'open', payment_status: 'no_payment_required', amount_total: null, amount_subtotal: null,
      currency: form.currency ?? null, customer: form.customer ?? null, customer_email: null, customer_creation: null,
      client_reference_id: null, metadata: metadataOf('metadata['), payment_intent: null, subscription: null, submit_type: null,
      setup_intent: null, locale: form.locale ?? null, success_url: form.success_url, cancel_url: form.cancel_url,
      payment_method_types: ['card'], total_details: null, url: `https://checkout.stripe.com/c/pay/${id}`,
      setup_intent_metadata: metadataOf('setup_intent_data[metadata]['),
    }));
  }

  private createRefund(request: RecordedRequest): Reply {
    const { charge, amount } = request.body;
    if (!charge || !this.objects.has(charge)) return notFound(request.path);
    // Stripe's idempotency: the same key answers with the refund it already made.
    const key = request.idempotencyKey;
    const made = key ? this.refundsByKey.get(key) : undefined;
    if (made) return [200, this.get(made)];
    const { refund } = this.refund(charge, Number(amount));
    if (key) this.refundsByKey.set(key, refund.id);
    return [200, refund];
  }

  refund(chargeId: string, amount: number): { charge: StripeObject; refund: StripeObject } {
    const charge = this.get(chargeId);
    const bt = this.put(fixture('balance_transaction', {
      id: newId('txn'), amount: -amount, fee: 0, net: -amount, currency: charge.currency, source: null, type: 'refund',
      reporting_category: 'refund', fee_details: [], created: seconds(new Date()),
    }));
    const refund = this.put(fixture('refund', {
      id: newId('re'), amount, charge: chargeId, payment_intent: charge.payment_intent, balance_transaction: bt.id,
      currency: charge.currency, created: seconds(new Date()),
    }));
    bt.source = refund.id;
    charge.amount_refunded = (charge.amount_refunded as number) + amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    return { charge, refund };
  }

  private updateSubscription(id: string, form: Record<string, string>): Reply {
    const sub = this.objects.get(id);
    if (!sub) return notFound(`/v1/subscriptions/${id}`);
    const pm = form.default_payment_method;
    if (pm !== undefined) {
      const method = this.objects.get(pm);
      if (!method || method.customer !== sub.customer) return badRequest(`The payment method ${pm} does not belong to the subscription's customer`);
      if (sub.default_payment_method !== pm) this.subscriptionUpdates.push({ id, previous: { default_payment_method: sub.default_payment_method } });
      sub.default_payment_method = pm;
    }
    return [200, sub];
  }

  private createSchedule(subscriptionId: string): Reply {
    const sub = this.objects.get(subscriptionId);
    if (!sub) return notFound('/v1/subscription_schedules');
    if (sub.schedule) return badRequest('You cannot migrate a subscription that is already attached to a schedule');
    const item = (sub.items as { data: Array<{ current_period_start: number; current_period_end: number }> }).data[0];
    const schedule = this.put(fixture('subscription_schedule', {
      id: newId('sub_sched'), subscription: subscriptionId, customer: sub.customer,
      current_phase: { start_date: item?.current_period_start, end_date: item?.current_period_end },
    }));
    const phase = (schedule.phases as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    Object.assign(phase, { start_date: item?.current_period_start, end_date: item?.current_period_end });
    sub.schedule = schedule.id;
    return [200, schedule];
  }

  private updateSchedule(id: string, form: Record<string, string>): Reply {
    const schedule = this.objects.get(id);
    if (!schedule) return notFound(`/v1/subscription_schedules/${id}`);
    schedule.end_behavior = form.end_behavior ?? schedule.end_behavior;
    const template = (schedule.phases as Array<Record<string, unknown>>)[0] ?? {};
    const phases: Array<Record<string, unknown>> = [];
    for (let i = 0; form[`phases[${i}][items][0][price]`] !== undefined || form[`phases[${i}][items][0][price_data][unit_amount]`] !== undefined; i += 1) {
      const at = (key: string) => form[`phases[${i}][${key}]`];
      const previous = phases[i - 1];
      const start = at('start_date') ? Number(at('start_date')) : Number(previous?.end_date);
      const months = Number(at('duration][interval_count') ?? 0);
      const end = at('end_date') === 'now' ? seconds(new Date()) : at('end_date') ? Number(at('end_date'))
        : seconds(addMonthsUtc(new Date(start * 1000), months));
      const unitAmount = at('items][0][price_data][unit_amount');
      phases.push({
        ...template, start_date: start, end_date: end, trial: at('trial') === 'true',
        metadata: Object.fromEntries(Object.entries(form).filter(([k]) => k.startsWith(`phases[${i}][metadata][`))
          .map(([k, v]) => [k.slice(`phases[${i}][metadata][`.length, -1), v])),
        items: [unitAmount !== undefined
          ? { price: newId('price'), quantity: Number(at('items][0][quantity')), price_data: { unit_amount: Number(unitAmount), product: at('items][0][price_data][product'), currency: at('items][0][price_data][currency') } }
          : { price: at('items][0][price'), quantity: Number(at('items][0][quantity')) }],
      });
    }
    schedule.phases = phases;
    return [200, schedule];
  }
}

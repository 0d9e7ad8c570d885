import { randomBytes } from 'node:crypto';
import nock from 'nock';
import { fixture, type StripeObject } from '../fixtures/stripe';
import { addMonthsUtc } from '../../src/lib/months';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: Record<string, string>;
  readonly idempotencyKey: string | undefined;
}

const newId = (prefix: string) => `${prefix}_test_${randomBytes(8).toString('hex')}`;
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);


function list(url: string, data: unknown[]) {
  return { object: 'list', data, has_more: false, url };
}

function notFound(path: string) {
  return [404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such object: ${path}` } }] as const;
}

/**
 * A small Stripe behind nock: it keeps the objects a test creates and answers the API calls
 * Colecta makes with payloads shaped like the pinned API version. Every call is recorded.
 */
export class StripeWorld {
  readonly requests: RecordedRequest[] = [];
  readonly objects = new Map<string, StripeObject>();
  readonly failNext = new Map<string, number>();
  private readonly refundsByKey = new Map<string, string>();
  private readonly scopes: nock.Scope[] = [];

  constructor() {
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- nock's reply callback binds its own `this`
      const world = this;
      this.scopes.push(
        nock('https://api.stripe.com').persist().intercept(/.*/, method).query(true)
          .reply(function (uri, body) {
            const url = new URL(uri, 'https://api.stripe.com');
            const form = typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : {};
            const key = this.req.headers['idempotency-key'];
            world.requests.push({
              method, path: url.pathname, query: url.searchParams, body: form,
              idempotencyKey: Array.isArray(key) ? key[0] : key,
            });
            const failures = world.failNext.get(url.pathname) ?? 0;
            if (failures > 0) {
              world.failNext.set(url.pathname, failures - 1);
              return [500, { error: { type: 'api_error', message: 'Stripe is having a moment' } }];
            }
            return world.route(method, url.pathname, url.searchParams, form) as [number, unknown];
          }),
      );
    }
  }

  close(): void {
    for (const scope of this.scopes) scope.persist(false);
    nock.cleanAll();
  }

  calls(method: string, pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  get<T extends StripeObject = StripeObject>(id: string): T {
    const object = this.objects.get(id);
    if (!object) throw new Error(`no ${id} in the Stripe world`);
    return object as T;
  }

  /** Answers a call that reached a real HTTP server instead of nock (another process's), recording it too. */
  answer(method: string, url: URL, form: Record<string, string>, idempotencyKey?: string): readonly [number, unknown] {
    this.requests.push({ method, path: url.pathname, query: url.searchParams, body: form, idempotencyKey });
    return this.route(method, url.pathname, url.searchParams, form);
  }

  private put(object: StripeObject): StripeObject {
    this.objects.set(object.id, object);
    return object;
  }

  private route(method: string, path: string, query: URLSearchParams, form: Record<string, string>): readonly [number, unknown] {
    const [, , resource, id, action] = path.split('/');
    if (method === 'POST' && path === '/v1/checkout/sessions') return [200, this.createSession(form)];
    if (method === 'POST' && path === '/v1/billing_portal/sessions') {
      return [200, { id: newId('bps'), object: 'billing_portal.session', customer: form.customer, return_url: form.return_url,
        url: `https://billing.stripe.com/p/session/${form.customer}` }];
    }
    if (method === 'GET' && resource === 'payment_intents' && id) {
      const intent = this.objects.get(id);
      if (!intent) return notFound(path);
      const charge = this.objects.get(intent.latest_charge as string);
      const bt = charge?.balance_transaction ? this.objects.get(charge.balance_transaction as string) : null;
      return [200, { ...intent, latest_charge: charge ? { ...charge, balance_transaction: bt ?? null } : null }];
    }
    if (method === 'GET' && resource === 'invoice_payments') {
      const invoice = query.get('invoice');
      const intent = query.get('payment[payment_intent]');
      const data = [...this.objects.values()].filter((o) => o.object === 'invoice_payment' && (intent
        ? (o.payment as { payment_intent?: string } | undefined)?.payment_intent === intent
        : o.invoice === invoice && o.status === 'paid'));
      return [200, list('/v1/invoice_payments', data)];
    }
    if (method === 'GET' && resource === 'refunds') {
      const charge = query.get('charge');
      const data = [...this.objects.values()].filter((o) => o.object === 'refund' && o.charge === charge)
        .map((r) => ({ ...r, balance_transaction: r.balance_transaction ? this.objects.get(r.balance_transaction as string) : null }));
      return [200, list('/v1/refunds', data)];
    }
    if (method === 'POST' && path === '/v1/refunds') {
      if (!this.objects.has(form.charge ?? '')) return notFound(path);
      // Stripe's idempotency: the same key answers with the refund it already made.
      const key = this.requests.at(-1)?.idempotencyKey;
      const made = key ? this.refundsByKey.get(key) : undefined;
      if (made) return [200, this.get(made)];
      const { refund } = this.refund(form.charge as string, Number(form.amount));
      if (key) this.refundsByKey.set(key, refund.id);
      return [200, refund];
    }
    if (method === 'GET' && path === '/v1/invoices') {
      const sub = query.get('subscription');
      const data = [...this.objects.values()].filter((o) => o.object === 'invoice' && (!query.get('status') || o.status === query.get('status'))
        && (o.parent as { subscription_details?: { subscription?: string } } | null)?.subscription_details?.subscription === sub);
      return [200, list('/v1/invoices', data)];
    }
    if (method === 'POST' && path === '/v1/subscription_schedules') return this.createSchedule(form.from_subscription ?? '');
    if (method === 'POST' && resource === 'subscription_schedules' && id && !action) return this.updateSchedule(id, form);
    if (method === 'POST' && resource === 'subscriptions' && id && !action) return this.updateSubscription(id, form);
    if (method === 'DELETE' && resource === 'subscriptions' && id) {
      const sub = this.objects.get(id);
      if (!sub) return notFound(path);
      Object.assign(sub, { status: 'canceled', ended_at: seconds(new Date()), canceled_at: seconds(new Date()) });
      return [200, sub];
    }
    if (method === 'GET' && id && ['balance_transactions', 'subscriptions', 'subscription_schedules', 'charges', 'invoices', 'setup_intents', 'payment_methods'].includes(resource ?? '')) {
      const object = this.objects.get(id);
      return object ? [200, object] : notFound(path);
    }
    return notFound(path);
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

  /** The supporter enters a card on a setup-mode Checkout page: its SetupIntent succeeds with a new payment method. */
  completeSetup(sessionId: string, card: { brand: string; last4: string } = { brand: 'mastercard', last4: '4444' }) {
    const session = this.get(sessionId);
    const paymentMethod = this.put({
      id: newId('pm'), object: 'payment_method', type: 'card', customer: session.customer, created: seconds(new Date()), livemode: false,
      billing_details: { address: null, email: null, name: null, phone: null }, metadata: {},
      card: { brand: card.brand, last4: card.last4, exp_month: 12, exp_year: 2030, country: 'US', funding: 'credit', display_brand: card.brand },
    });
    const setupIntent = this.put({
      id: newId('seti'), object: 'setup_intent', status: 'succeeded', customer: session.customer, payment_method: paymentMethod.id,
      usage: 'off_session', metadata: session.setup_intent_metadata, created: seconds(new Date()), livemode: false,
    });
    Object.assign(session, { status: 'complete', setup_intent: setupIntent.id });
    return { session, paymentMethod, setupIntent };
  }

  /** The `previous_attributes` of each subscription update Colecta asked for, in order. */
  readonly subscriptionUpdates: Array<{ id: string; previous: Record<string, unknown> }> = [];

  private updateSubscription(id: string, form: Record<string, string>): readonly [number, unknown] {
    const sub = this.objects.get(id);
    if (!sub) return notFound(`/v1/subscriptions/${id}`);
    const pm = form.default_payment_method;
    if (pm !== undefined) {
      const method = this.objects.get(pm);
      if (!method || method.customer !== sub.customer) {
        return [400, { error: { type: 'invalid_request_error', message: `The payment method ${pm} does not belong to the subscription's customer` } }];
      }
      if (sub.default_payment_method !== pm) this.subscriptionUpdates.push({ id, previous: { default_payment_method: sub.default_payment_method } });
      sub.default_payment_method = pm;
    }
    return [200, sub];
  }

  /** A charge that succeeded; its balance transaction exists unless capture is still settling. */
  private charge(amount: number, currency: string, customer: string, settled: boolean, metadata: Record<string, string>) {
    const chargeId = newId('ch');
    const intentId = newId('pi');
    const created = seconds(new Date());
    const bt = this.put(fixture('balance_transaction', {
      id: newId('txn'), amount, fee: Math.floor((amount * 290 + 5000) / 10000) + 30, currency, source: chargeId, created,
    }));
    bt.net = (bt.amount as number) - (bt.fee as number);
    const charge = this.put(fixture('charge', {
      id: chargeId, amount, amount_captured: amount, currency, customer, payment_intent: intentId, created,
      balance_transaction: settled ? bt.id : null, metadata,
    }));
    const intent = this.put(fixture('payment_intent', {
      id: intentId, amount, amount_received: amount, currency, customer, latest_charge: chargeId, metadata, created,
    }));
    return { charge, intent, bt };
  }

  /** The supporter pays on the Checkout page of a one-time session. */
  payOneTime(sessionId: string, options: { settled?: boolean } = {}) {
    const session = this.get(sessionId);
    const customer = (session.customer as string | null) ?? newId('cus');
    const { charge, intent, bt } = this.charge(session.amount_total as number, session.currency as string, customer,
      options.settled ?? true, session.metadata as Record<string, string>);
    Object.assign(session, { status: 'complete', payment_status: 'paid', payment_intent: intent.id, customer });
    return { session, charge, intent, bt };
  }

  /** The supporter starts a monthly gift; the first invoice is paid at once. */
  startSubscription(sessionId: string, options: { start?: Date; settled?: boolean } = {}) {
    const session = this.get(sessionId);
    const start = options.start ?? new Date();
    const customer = (session.customer as string | null) ?? newId('cus');
    const subscriptionId = newId('sub');
    const amount = session.amount_total as number;
    const subscription = this.put(fixture('subscription', {
      id: subscriptionId, customer, start_date: seconds(start), billing_cycle_anchor: seconds(start), created: seconds(start),
      metadata: session.subscription_metadata, status: 'active',
    }));
    const items = subscription.items as { data: Array<Record<string, unknown>> };
    Object.assign(items.data[0] as object, {
      subscription: subscriptionId, current_period_start: seconds(start), current_period_end: seconds(addMonthsUtc(start, 1)),
    });
    Object.assign(session, { status: 'complete', payment_status: 'paid', subscription: subscriptionId, customer });
    const first = this.invoice(subscription, 1, options.settled ?? true);
    Object.assign(session, { invoice: first.invoice.id });
    void amount;
    return { session, subscription, ...first };
  }

  /** The invoice and payment for installment k (1 is the first) of a subscription. */
  invoice(subscription: StripeObject, k: number, settled = true) {
    const start = addMonthsUtc(new Date((subscription.start_date as number) * 1000), k - 1);
    const end = addMonthsUtc(new Date((subscription.start_date as number) * 1000), k);
    const price = ((subscription.items as { data: Array<{ price: { unit_amount: number } }> }).data[0]?.price.unit_amount) ?? 0;
    const session = [...this.objects.values()].find((o) => o.subscription === subscription.id && o.object === 'checkout.session');
    const amount = (session?.amount_total as number | undefined) ?? price;
    const { charge, intent, bt } = this.charge(amount, 'usd', subscription.customer as string, settled, {});
    const invoiceId = newId('in');
    const template = fixture('invoice');
    const lines = template.lines as { data: Array<Record<string, unknown>> };
    Object.assign(lines.data[0] as object, { invoice: invoiceId, period: { start: seconds(start), end: seconds(end) }, amount });
    const invoice = this.put({
      ...template,
      id: invoiceId,
      billing_reason: k === 1 ? 'subscription_create' : 'subscription_cycle',
      amount_due: amount, amount_paid: amount, total: amount, subtotal: amount,
      customer: subscription.customer,
      created: seconds(start),
      period_start: seconds(k === 1 ? start : addMonthsUtc(start, -1)),
      period_end: seconds(start),
      lines,
      parent: {
        type: 'subscription_details', quote_details: null,
        subscription_details: { metadata: subscription.metadata, subscription: subscription.id },
      },
    });
    this.put(fixture('invoice_payment', { id: newId('inpay'), invoice: invoiceId, payment: { type: 'payment_intent', payment_intent: intent.id } }));
    const items = (subscription.items as { data: Array<Record<string, unknown>> }).data[0] as Record<string, unknown>;
    Object.assign(items, { current_period_start: seconds(start), current_period_end: seconds(end) });
    subscription.latest_invoice = invoiceId;
    return { invoice, charge, intent, bt };
  }

  /** Capture settles: the charge now names its balance transaction. */
  settle(chargeId: string): StripeObject {
    const charge = this.get(chargeId);
    const bt = [...this.objects.values()].find((o) => o.object === 'balance_transaction' && o.source === chargeId);
    charge.balance_transaction = bt?.id ?? null;
    return charge;
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

  dispute(chargeId: string): StripeObject {
    const charge = this.get(chargeId);
    const amount = charge.amount as number;
    const withdrawal = fixture('balance_transaction', {
      id: newId('txn'), amount: -amount, fee: 1500, net: -amount - 1500, currency: charge.currency, type: 'adjustment',
      reporting_category: 'dispute', created: seconds(new Date()),
    });
    return this.put(fixture('dispute', {
      id: newId('du'), amount, charge: chargeId, payment_intent: charge.payment_intent, balance_transactions: [withdrawal],
    }));
  }

  closeDispute(disputeId: string, outcome: 'won' | 'lost'): StripeObject {
    const dispute = this.get(disputeId);
    const amount = dispute.amount as number;
    const transactions = dispute.balance_transactions as unknown[];
    if (outcome === 'won') {
      transactions.push(fixture('balance_transaction', {
        id: newId('txn'), amount, fee: -1500, net: amount + 1500, currency: dispute.currency, type: 'adjustment',
        reporting_category: 'dispute_reversal', created: seconds(new Date()),
      }));
    }
    dispute.status = outcome;
    return dispute;
  }

  private createSchedule(subscriptionId: string): readonly [number, unknown] {
    const sub = this.objects.get(subscriptionId);
    if (!sub) return notFound('/v1/subscription_schedules');
    if (sub.schedule) {
      return [400, { error: { type: 'invalid_request_error', message: 'You cannot migrate a subscription that is already attached to a schedule' } }];
    }
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

  private updateSchedule(id: string, form: Record<string, string>): readonly [number, unknown] {
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

  /**
   * The payments Stripe would take under the schedule after its first phase: one at the start
   * of each month of every phase that is not a trial, at that phase's amount.
   */
  scheduledPayments(subscriptionId: string): Array<{ at: Date; amount: number }> {
    const schedule = this.get(this.get(subscriptionId).schedule as string);
    const phases = schedule.phases as Array<{ start_date: number; end_date: number; trial?: boolean; items: Array<{ price_data?: { unit_amount: number } }> }>;
    const payments: Array<{ at: Date; amount: number }> = [];
    for (const phase of phases.slice(1)) {
      if (phase.trial) continue;
      const start = new Date(phase.start_date * 1000);
      for (let m = 0; addMonthsUtc(start, m).getTime() < phase.end_date * 1000; m += 1) {
        payments.push({ at: addMonthsUtc(start, m), amount: phase.items[0]?.price_data?.unit_amount ?? 0 });
      }
    }
    return payments;
  }

  /** A renewal invoice, paid, for the period that starts at `at`, as the schedule set it. */
  invoiceAt(subscription: StripeObject, at: Date, amount: number, settled = true) {
    const { charge, intent, bt } = this.charge(amount, 'usd', subscription.customer as string, settled, {});
    const invoiceId = newId('in');
    const template = fixture('invoice');
    const lines = template.lines as { data: Array<Record<string, unknown>> };
    Object.assign(lines.data[0] as object, { invoice: invoiceId, period: { start: seconds(at), end: seconds(addMonthsUtc(at, 1)) }, amount });
    const invoice = this.put({
      ...template, id: invoiceId, billing_reason: 'subscription_cycle', amount_due: amount, amount_paid: amount, total: amount, subtotal: amount,
      customer: subscription.customer, created: seconds(at), period_start: seconds(addMonthsUtc(at, -1)), period_end: seconds(at), lines,
      parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: subscription.metadata, subscription: subscription.id } },
    });
    this.put(fixture('invoice_payment', { id: newId('inpay'), invoice: invoiceId, payment: { type: 'payment_intent', payment_intent: intent.id } }));
    const item = (subscription.items as { data: Array<Record<string, unknown>> }).data[0] as Record<string, unknown>;
    Object.assign(item, { current_period_start: seconds(at), current_period_end: seconds(addMonthsUtc(at, 1)) });
    subscription.latest_invoice = invoiceId;
    return { invoice, charge, intent, bt };
  }

  /** When the schedule's phase ends with end_behavior 'cancel', Stripe cancels the subscription. */
  endOfSchedule(subscriptionId: string): StripeObject {
    const sub = this.get(subscriptionId);
    const schedule = this.get(sub.schedule as string);
    const phase = (schedule.phases as Array<{ end_date: number }>).at(-1);
    Object.assign(sub, { status: 'canceled', ended_at: phase?.end_date, canceled_at: phase?.end_date });
    return sub;
  }
}

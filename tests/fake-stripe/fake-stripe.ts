import { fixture, type StripeObject } from '../fixtures/stripe';
import { addMonthsUtc } from '../../src/lib/months';
import { newId, seconds, StripeApi } from './stripe-api';

interface InvoiceTerms {
  readonly subscription: string;
  readonly customer: string;
  readonly metadata: unknown;
  readonly amount: number;
  readonly currency: string;
  readonly billingReason: 'subscription_create' | 'subscription_cycle';
  readonly created: Date;
  readonly periodStart: Date;
  /** The period the line pays for. */
  readonly line: { start: Date; end: Date };
  readonly settled: boolean;
  /** Ends every id (in_, inpay_, pi_, ch_, txn_) when given; else each id is random. */
  readonly suffix?: string;
}

/**
 * One fake Stripe for the tests and the benchmarks: the API (./stripe-api.ts) plus what
 * happens on Stripe's side of it, a supporter paying, a renewal, capture settling, a refund
 * or a dispute, each leaving the objects Stripe would hold.
 */
export class FakeStripe extends StripeApi {
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

  /** A charge that succeeded; its balance transaction exists unless capture is still settling. */
  private charge(amount: number, currency: string, customer: string, settled: boolean, metadata: Record<string, string>, suffix?: string) {
    const idOf = (prefix: string) => (suffix === undefined ? newId(prefix) : `${prefix}_${suffix}`);
    const chargeId = idOf('ch');
    const intentId = idOf('pi');
    const created = seconds(new Date());
    const bt = this.put(fixture('balance_transaction', {
      id: idOf('txn'), amount, fee: Math.floor((amount * 290 + 5000) / 10000) + 30, currency, source: chargeId, created,
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
    return { session, subscription, ...first };
  }

  /** The invoice and payment for installment k (1 is the first) of a subscription. */
  invoice(subscription: StripeObject, k: number, settled = true) {
    const start = addMonthsUtc(new Date((subscription.start_date as number) * 1000), k - 1);
    const end = addMonthsUtc(new Date((subscription.start_date as number) * 1000), k);
    const price = ((subscription.items as { data: Array<{ price: { unit_amount: number } }> }).data[0]?.price.unit_amount) ?? 0;
    const session = [...this.objects.values()].find((o) => o.subscription === subscription.id && o.object === 'checkout.session');
    const amount = (session?.amount_total as number | undefined) ?? price;
    return this.renew(subscription, start, end, {
      amount, settled, billingReason: k === 1 ? 'subscription_create' : 'subscription_cycle', created: start,
      periodStart: k === 1 ? start : addMonthsUtc(start, -1), line: { start, end },
    });
  }

  /** A renewal invoice, paid, for the period that starts at `at`, as the schedule set it. */
  invoiceAt(subscription: StripeObject, at: Date, amount: number, settled = true) {
    return this.renew(subscription, at, addMonthsUtc(at, 1), {
      amount, settled, billingReason: 'subscription_cycle', created: at, periodStart: addMonthsUtc(at, -1),
      line: { start: at, end: addMonthsUtc(at, 1) },
    });
  }

  /**
   * An invoice paid by card whose every id ends in `suffix`: in_X is paid (inpay_X) by pi_X
   * through ch_X and txn_X, for subscription sub_X of customer cus_X. For a caller that posts
   * its own invoice.paid events naming in_X, with no checkout before them (the webhook benchmark).
   */
  paidInvoice(suffix: string, options: { amount: number; currency: string; metadata?: Record<string, string>; at?: Date }) {
    const at = options.at ?? new Date();
    return this.paidInvoiceOf({
      subscription: `sub_${suffix}`, customer: `cus_${suffix}`, metadata: options.metadata ?? {}, amount: options.amount,
      currency: options.currency, billingReason: 'subscription_create', created: at, periodStart: at,
      line: { start: at, end: addMonthsUtc(at, 1) }, settled: true, suffix,
    });
  }

  private renew(subscription: StripeObject, start: Date, end: Date, terms: Omit<InvoiceTerms, 'subscription' | 'customer' | 'metadata' | 'currency'>) {
    const paid = this.paidInvoiceOf({
      ...terms, subscription: subscription.id, customer: subscription.customer as string, metadata: subscription.metadata, currency: 'usd',
    });
    const item = (subscription.items as { data: Array<Record<string, unknown>> }).data[0] as Record<string, unknown>;
    Object.assign(item, { current_period_start: seconds(start), current_period_end: seconds(end) });
    subscription.latest_invoice = paid.invoice.id;
    return paid;
  }

  private paidInvoiceOf(terms: InvoiceTerms) {
    const { amount } = terms;
    const { charge, intent, bt } = this.charge(amount, terms.currency, terms.customer, terms.settled, {}, terms.suffix);
    const idOf = (prefix: string) => (terms.suffix === undefined ? newId(prefix) : `${prefix}_${terms.suffix}`);
    const invoiceId = idOf('in');
    const template = fixture('invoice');
    const lines = template.lines as { data: Array<Record<string, unknown>> };
    Object.assign(lines.data[0] as object, {
      invoice: invoiceId, period: { start: seconds(terms.line.start), end: seconds(terms.line.end) }, amount,
    });
    const invoice = this.put({
      ...template, id: invoiceId, billing_reason: terms.billingReason, amount_due: amount, amount_paid: amount, total: amount,
      subtotal: amount, customer: terms.customer, created: seconds(terms.created), period_start: seconds(terms.periodStart),
      period_end: seconds(terms.created), lines,
      parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: terms.metadata, subscription: terms.subscription } },
    });
    this.put(fixture('invoice_payment', { id: idOf('inpay'), invoice: invoiceId, payment: { type: 'payment_intent', payment_intent: intent.id } }));
    return { invoice, charge, intent, bt };
  }

  /** Capture settles: the charge now names its balance transaction. */
  settle(chargeId: string): StripeObject {
    const charge = this.get(chargeId);
    const bt = [...this.objects.values()].find((o) => o.object === 'balance_transaction' && o.source === chargeId);
    charge.balance_transaction = bt?.id ?? null;
    return charge;
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

  /** A balance transaction in the available balance, `net` its amount less its fee unless given. */
  balanceTransaction(id: string, overrides: Record<string, unknown> = {}): StripeObject {
    const amount = (overrides.amount as number | undefined) ?? 2000;
    const fee = (overrides.fee as number | undefined) ?? 0;
    return this.put(fixture('balance_transaction', { id, status: 'available', net: amount - fee, ...overrides }));
  }

  /**
   * A payout (the fixture's, with `overrides`) of `transactions`, plus its own balance
   * transaction, the withdrawal, created with it. GET /v1/balance_transactions?payout=… pages
   * them all newest first: the withdrawal, then by `created`, those of the same second in the order given.
   */
  payout(overrides: Record<string, unknown>, transactions: readonly StripeObject[]): StripeObject {
    const payout = this.put(fixture('payout', { id: newId('po'), balance_transaction: newId('txn'), ...overrides }));
    const amount = payout.amount as number;
    const withdrawal = fixture('balance_transaction', {
      id: payout.balance_transaction, amount: -amount, fee: 0, net: -amount, currency: payout.currency, type: 'payout',
      reporting_category: 'payout', source: payout.id, fee_details: [], status: 'available', created: payout.created,
      available_on: payout.created,
    });
    for (const bt of [withdrawal, ...transactions]) this.objects.file('balanceTransactionsOfPayout', payout.id, bt);
    return payout;
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

  /** When the schedule's phase ends with end_behavior 'cancel', Stripe cancels the subscription. */
  endOfSchedule(subscriptionId: string): StripeObject {
    const sub = this.get(subscriptionId);
    const schedule = this.get(sub.schedule as string);
    const phase = (schedule.phases as Array<{ end_date: number }>).at(-1);
    Object.assign(sub, { status: 'canceled', ended_at: phase?.end_date, canceled_at: phase?.end_date });
    return sub;
  }
}

import Stripe from 'stripe';
import { AppError } from '../../lib/errors';
import { DEFAULT_FEE_RULE, processorFee } from '../../lib/money';
import { addMonthsUtc } from '../../lib/months';
import { demoId } from '../demo-gateway';
import type { DemoObject, DemoStore } from './demo-store';

export interface DemoPaymentDeps {
  readonly store: DemoStore;
  readonly webhookSecret: string;
  /** Where this very process serves POST /webhooks/stripe. */
  readonly selfUrl: string;
  readonly now?: () => Date;
}

const signer = new Stripe('sk_test_demo_mode_no_network');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

export interface DemoSessionView {
  readonly id: string;
  /** `setup`: a supporter's new card for a monthly gift, from "my gifts". */
  readonly mode: 'payment' | 'subscription' | 'setup';
  readonly amount: number;
  readonly currency: string;
  readonly productName: string;
  readonly locale: 'en' | 'es';
  readonly cancelUrl: string;
  readonly paid: boolean;
}

export async function findDemoSession(store: DemoStore, id: string): Promise<DemoSessionView> {
  await store.load([id]);
  const s = store.get(id);
  if (!s || s.object !== 'checkout.session') throw AppError.notFound('Demo checkout');
  return {
    id, mode: s.mode === 'subscription' || s.mode === 'setup' ? s.mode : 'payment', amount: Number(s.amount_total ?? 0),
    currency: String(s.currency), productName: String(s.product_name ?? ''), locale: s.locale === 'es' ? 'es' : 'en', cancelUrl: String(s.cancel_url), paid: s.status === 'complete',
  };
}

/** A charge that succeeded and settled, with Stripe's usual fee on its balance transaction. */
function charge(store: DemoStore, amount: number, currency: string, customer: string, metadata: Record<string, string>, at: Date) {
  const chargeId = demoId('ch');
  const intentId = demoId('pi');
  const fee = processorFee(amount, DEFAULT_FEE_RULE);
  const bt = store.put({ id: demoId('txn'), object: 'balance_transaction', amount, fee, net: amount - fee, currency, source: chargeId, created: seconds(at) });
  const ch = store.put({
    id: chargeId, object: 'charge', status: 'succeeded', amount, currency, customer, payment_intent: intentId, created: seconds(at),
    balance_transaction: bt.id, payment_method_details: { type: 'card', card: { last4: '4242', brand: 'visa' } }, metadata, livemode: false,
  });
  store.put({ id: intentId, object: 'payment_intent', amount, currency, customer, latest_charge: chargeId, metadata, status: 'succeeded' });
  return { intentId, charge: ch };
}

/** The card a demo setup saves: a test card other than the first one, so the change shows. */
function completeSetup(store: DemoStore, session: DemoObject): Array<[string, DemoObject]> {
  const customer = String(session.customer);
  const card = store.put({ id: demoId('pm'), object: 'payment_method', type: 'card', customer, card: { brand: 'mastercard', last4: '4444' } });
  const intent = store.put({
    id: demoId('seti'), object: 'setup_intent', status: 'succeeded', customer, payment_method: card.id, metadata: session.metadata,
  });
  return [['checkout.session.completed', store.put({ ...session, status: 'complete', setup_intent: intent.id })]];
}

/** What Stripe would have recorded once the supporter paid, and the events it would send, in order. */
function completeSession(store: DemoStore, session: DemoObject, at: Date): Array<[string, DemoObject]> {
  if (session.mode === 'setup') return completeSetup(store, session);
  const customer = typeof session.customer === 'string' ? session.customer : demoId('cus');
  const metadata = session.metadata as Record<string, string>;
  const amount = Number(session.amount_total);
  const currency = String(session.currency);
  if (session.mode === 'payment') {
    const { intentId, charge: ch } = charge(store, amount, currency, customer, metadata, at);
    const done = store.put({ ...session, status: 'complete', payment_status: 'paid', payment_intent: intentId, customer });
    return [['checkout.session.completed', done], ['charge.updated', ch]];
  }
  const { intentId, charge: ch } = charge(store, amount, currency, customer, {}, at);
  const subscriptionId = demoId('sub');
  const card = store.put({ id: demoId('pm'), object: 'payment_method', type: 'card', customer, card: { brand: 'visa', last4: '4242' } });
  const invoiceId = demoId('in');
  const subscription = store.put({
    id: subscriptionId, object: 'subscription', status: 'active', customer, start_date: seconds(at), created: seconds(at),
    current_period_start: seconds(at), current_period_end: seconds(addMonthsUtc(at, 1)), ended_at: null, schedule: null,
    price: demoId('price'), metadata, latest_invoice: invoiceId, default_payment_method: card.id,
  });
  const invoice = store.put({
    id: invoiceId, object: 'invoice', status: 'paid', billing_reason: 'subscription_create', amount_paid: amount, amount_due: amount,
    currency, customer, payment_intent: intentId, created: seconds(at),
    parent: { type: 'subscription_details', subscription_details: { subscription: subscriptionId, metadata } },
    lines: { data: [{ period: { start: seconds(at), end: seconds(addMonthsUtc(at, 1)) }, amount }] },
  });
  const done = store.put({ ...session, status: 'complete', payment_status: 'paid', subscription: subscriptionId, customer, invoice: invoiceId });
  return [
    ['checkout.session.completed', done], ['invoice.paid', invoice],
    ['customer.subscription.updated', subscription], ['charge.updated', ch],
  ];
}

async function send(
  deps: DemoPaymentDeps, type: string, object: DemoObject, at: Date, previous?: Record<string, unknown>,
): Promise<void> {
  const payload = JSON.stringify({
    id: demoId('evt'), object: 'event', api_version: '2026-10-28.endive', created: seconds(at),
    data: previous ? { object, previous_attributes: previous } : { object },
    livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type,
  });
  const signature = signer.webhooks.generateTestHeaderString({ payload, secret: deps.webhookSecret });
  const res = await fetch(`${deps.selfUrl}/webhooks/stripe`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload,
  });
  if (!res.ok) throw new AppError(502, 'demo_webhook_failed', `The demo ${type} event was answered ${res.status}`);
}

/**
 * "Pay" on the demo checkout page: records what Stripe would, then sends Stripe's events,
 * signed, through the real webhook route, one after another. Paying twice sends nothing new.
 */
export async function payDemoCheckout(deps: DemoPaymentDeps, sessionId: string): Promise<string> {
  await findDemoSession(deps.store, sessionId);
  const session = deps.store.require(sessionId);
  const successUrl = String(session.success_url).replace('{CHECKOUT_SESSION_ID}', sessionId);
  if (session.status === 'complete') return successUrl;
  const at = deps.now?.() ?? new Date();
  const subscriptionId = session.mode === 'setup' ? String((session.metadata as Record<string, string>).subscription_id ?? '') : '';
  if (subscriptionId) await deps.store.load([subscriptionId]);
  const cardBefore = deps.store.get(subscriptionId)?.default_payment_method ?? null;
  const events = completeSession(deps.store, session, at);
  await deps.store.save();
  try {
    for (const [type, object] of events) {
      // Each event carries the object as it is now, as Stripe's do (the schedule may have been added).
      await send(deps, type, deps.store.get(object.id) ?? object, at);
    }
    // The card update's job ran as its event was handled; Stripe then says the subscription changed.
    const subscription = deps.store.get(subscriptionId);
    if (subscription && subscription.default_payment_method !== cardBefore) {
      await send(deps, 'customer.subscription.updated', subscription, at, { default_payment_method: cardBefore });
    }
  } finally {
    await deps.store.save();
  }
  return successUrl;
}

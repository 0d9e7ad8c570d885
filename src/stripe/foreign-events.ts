import type { Knex } from 'knex';
import { z } from 'zod';
import { donationIdFrom, metadata, stripeId } from '../../webhooks/stripe-shapes';
import type { PaymentGateway, VerifiedEvent } from './payment-types';

/**
 * A fiscal sponsor's Stripe account also carries payments Colecta never made (a gala, a
 * membership form). Events about those must be answered 200 at once: refused, Stripe retries
 * them for three days and then disables the endpoint, which stops every gift. An event is ours
 * when its object, or the payment it is about, carries a Colecta donation id or is one Colecta
 * already knows; otherwise it is foreign. This runs before the event's transaction opens, so the
 * Stripe look-up it may need holds no lock.
 */
export interface ForeignEventDeps {
  readonly db: Knex;
  readonly gateway: PaymentGateway;
}

const withMetadata = z.object({ id: z.string(), metadata }).loose();
const session = withMetadata.extend({ client_reference_id: z.string().nullish() });
// Stripe always sends `parent` (null for an invoice outside a subscription); a payload without it
// is malformed, not foreign, and its handler's validation says so.
const invoice = z.object({
  id: z.string(),
  amount_paid: z.number().int(),
  parent: z.object({ subscription_details: z.object({ subscription: stripeId, metadata }).nullish() }).nullable(),
}).loose();
const charge = withMetadata.extend({ payment_intent: stripeId.nullish() });
const chargeReference = z.object({ charge: stripeId.nullish(), payment_intent: stripeId.nullish() }).loose();

async function knownSubscription(db: Knex, subscriptionId: string): Promise<boolean> {
  return Boolean(await db('donations').where({ stripe_subscription_id: subscriptionId }).first('id'));
}

async function knownPayment(db: Knex, chargeId: string | null, paymentIntentId: string | null): Promise<boolean> {
  if (chargeId && (await db('ledger_entries').where({ stripe_charge_id: chargeId }).first('id'))) return true;
  if (chargeId && (await db('stripe_payments').where({ charge_id: chargeId }).whereNotNull('donation_id').first('payment_intent_id'))) return true;
  if (!paymentIntentId) return false;
  if (await db('stripe_payments').where({ payment_intent_id: paymentIntentId }).whereNotNull('donation_id').first('payment_intent_id')) return true;
  return Boolean(await db('donations').where({ stripe_payment_intent_id: paymentIntentId }).first('id'));
}

/** A payment is ours when Colecta knows it, or when Stripe says its intent or invoice is a donation's. */
async function paymentIsOurs(deps: ForeignEventDeps, chargeId: string | null, paymentIntentId: string | null): Promise<boolean> {
  if (await knownPayment(deps.db, chargeId, paymentIntentId)) return true;
  // Every Colecta payment goes through Checkout, so it has a payment intent.
  if (!paymentIntentId) return false;
  const origin = await deps.gateway.findPaymentOrigin(paymentIntentId);
  if (origin.donationId) return true;
  return origin.subscriptionId ? knownSubscription(deps.db, origin.subscriptionId) : false;
}

async function chargeIsOurs(deps: ForeignEventDeps, object: unknown): Promise<boolean> {
  const c = charge.safeParse(object);
  if (!c.success) return true;
  if (donationIdFrom(c.data.metadata)) return true;
  return paymentIsOurs(deps, c.data.id, c.data.payment_intent ?? null);
}

async function referenceIsOurs(deps: ForeignEventDeps, object: unknown): Promise<boolean> {
  const r = chargeReference.safeParse(object);
  if (!r.success) return true;
  return paymentIsOurs(deps, r.data.charge ?? null, r.data.payment_intent ?? null);
}

async function subscriptionIsOurs(deps: ForeignEventDeps, object: unknown): Promise<boolean> {
  const s = withMetadata.safeParse(object);
  if (!s.success) return true;
  return Boolean(donationIdFrom(s.data.metadata)) || knownSubscription(deps.db, s.data.id);
}

async function invoiceIsOurs(deps: ForeignEventDeps, object: unknown): Promise<boolean> {
  const i = invoice.safeParse(object);
  if (!i.success) return true;
  const details = i.data.parent?.subscription_details;
  // Colecta only ever invoices through its own monthly subscriptions.
  if (!details) return false;
  return Boolean(donationIdFrom(details.metadata)) || knownSubscription(deps.db, details.subscription);
}

// A shape we cannot read is treated as ours: its handler's validation then reports it.
const OWNERSHIP: Record<string, (deps: ForeignEventDeps, object: unknown) => Promise<boolean>> = {
  'checkout.session': async (_deps, object) => {
    const s = session.safeParse(object);
    return !s.success || Boolean(donationIdFrom(s.data.metadata, s.data.client_reference_id));
  },
  'invoice': invoiceIsOurs,
  'customer.subscription': subscriptionIsOurs,
  'charge.refund': referenceIsOurs,
  'charge.dispute': referenceIsOurs,
  'charge': chargeIsOurs,
};

function familyOf(type: string): string | null {
  const parts = type.split('.');
  for (let n = parts.length - 1; n > 0; n -= 1) {
    const family = parts.slice(0, n).join('.');
    if (OWNERSHIP[family]) return family;
  }
  return null;
}

/** Whether the event is about objects Colecta did not create (payouts and the rest are never foreign). */
export async function isForeignEvent(deps: ForeignEventDeps, event: VerifiedEvent): Promise<boolean> {
  const family = familyOf(event.type);
  if (!family) return false;
  return !(await (OWNERSHIP[family] as (d: ForeignEventDeps, o: unknown) => Promise<boolean>)(deps, event.object));
}

/**
 * Records a foreign event as processed and ignored (so a later delivery is a duplicate) and
 * answers true; answers false for an event of ours, which the processor then handles.
 */
export async function ignoreIfForeign(deps: ForeignEventDeps, event: VerifiedEvent): Promise<boolean> {
  if (!(await isForeignEvent(deps, event))) return false;
  const objectId = (event.object as { id?: unknown } | null)?.id;
  await deps.db('stripe_events')
    .insert({
      id: event.id, type: event.type, object_id: typeof objectId === 'string' ? objectId : null, livemode: event.livemode,
      stripe_created_at: event.created, attempts: 1, processed_at: deps.db.fn.now(), ignored_reason: 'not_colecta',
    })
    .onConflict('id')
    .merge({
      attempts: deps.db.raw('stripe_events.attempts + 1'),
      processed_at: deps.db.raw('coalesce(stripe_events.processed_at, now())'),
      ignored_reason: deps.db.raw("coalesce(stripe_events.ignored_reason, 'not_colecta')"),
      queued_payload: null,
      next_attempt_at: null,
    });
  return true;
}

import { buildCheckoutBody } from '../factories/checkout-body';
import type { Harness } from './app-with-stripe';
import { donationIdForSession } from './ledger-queries';

/** A one-time gift through the checkout route, paid on the fake Stripe (no event sent yet). */
export async function paidOneTimeSession(t: Harness, amount = 2000) {
  const res = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ amount }));
  expect(res.status).toBe(201);
  const donationId = await donationIdForSession(t.app.db, res.body.id);
  return { donationId, ...t.stripe.payOneTime(res.body.id) };
}

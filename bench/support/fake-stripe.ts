import { FakeStripe } from '../../tests/fake-stripe/fake-stripe';
import { serveOverHttp, type StripeServer } from '../../tests/fake-stripe/over-http';
import { eventSuffix } from './ingest-ids';
import type { LoadPlan } from './ingest-load';

/**
 * The tests' fake Stripe (tests/fake-stripe/) on a loopback port, holding for each event of the
 * plan the invoice it names, paid by card for the seeded donation's 20.00 USD: the service's two
 * calls per invoice.paid (its invoice payments, its payment intent with the charge and balance
 * transaction expanded) find what Stripe would answer. It logs no requests, only counts them.
 */
export async function startFakeStripe(plan: Pick<LoadPlan, 'runTag' | 'warmupDonationIds' | 'donationIds'>): Promise<StripeServer> {
  const fake = new FakeStripe({ recordRequests: false });
  for (const [phase, donationIds] of [['w', plan.warmupDonationIds], ['m', plan.donationIds]] as const) {
    donationIds.forEach((donationId, i) => {
      fake.paidInvoice(eventSuffix(plan.runTag, phase, i), { amount: 2000, currency: 'usd', metadata: { donation_id: donationId } });
    });
  }
  return serveOverHttp(fake);
}

import type { Knex } from 'knex';
import type { Logger } from '../lib/logger';
import type { PaymentGateway } from '../stripe/payment-types';
import { updateDonation, type Donation } from './donation-repository';

/** Whole billing months from one period start to another. Stripe keeps a monthly anchor's
 * day (clamped to short months), so calendar months in UTC count periods exactly. */
export function monthsBetween(from: Date, to: Date): number {
  return (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
}

/**
 * A monthly gift of N installments ends by itself: the subscription is put on a schedule
 * whose single phase lasts exactly the months still owed and then cancels. The months are
 * counted from the subscription's start, not from now, so a late or repeated event gives the
 * same schedule; Stripe, not our webhooks, stops the (N+1)th charge.
 */
export async function ensureInstallmentPlan(
  tx: Knex, gateway: PaymentGateway, logger: Logger, donation: Donation, subscriptionId: string,
): Promise<void> {
  if (donation.installments == null || donation.scheduleId) return;
  const subscription = await gateway.retrieveSubscription(subscriptionId);
  if (!['active', 'trialing', 'past_due', 'unpaid'].includes(subscription.status)) return;

  let schedule = subscription.scheduleId
    ? await gateway.retrieveSchedule(subscription.scheduleId)
    : await gateway.createScheduleFromSubscription(subscription.id);
  const periodsBefore = monthsBetween(subscription.startDate, schedule.phaseStart);
  const remaining = donation.installments - periodsBefore;
  if (remaining <= 0) {
    logger.error({ donationId: donation.id, subscriptionId, periodsBefore }, 'installments already exceeded; cancelling now');
    await gateway.cancelSubscription(subscription.id);
  } else {
    schedule = await gateway.endScheduleAfterMonths(schedule, remaining);
    logger.info({ donationId: donation.id, subscriptionId, scheduleId: schedule.id, remaining }, 'installment plan set');
  }
  await updateDonation(tx, donation.id, { scheduleId: schedule.id, billingAnchor: subscription.startDate });
}

import type { Knex } from 'knex';
import { recordJob, type JobDeps, type LedgerEffects } from '../ledger/ledger-jobs';
import { findDonation, updateDonation, type Donation } from './donation-repository';

/** Whole billing months from one period start to another. Stripe keeps a monthly anchor's
 * day (clamped to short months), so calendar months in UTC count periods exactly. */
export function monthsBetween(from: Date, to: Date): number {
  return (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
}

/**
 * In the event's transaction: a monthly gift of N installments that has no schedule yet gets a
 * job to set one. The Stripe writes happen only after the transaction commits (planInstallments),
 * so a rollback leaves Stripe untouched and a crash leaves the job for the worker.
 */
export async function requestInstallmentPlan(
  tx: Knex, effects: LedgerEffects, donation: Donation, subscriptionId: string,
): Promise<void> {
  if (donation.installments == null || donation.scheduleId) return;
  await recordJob(tx, effects, 'installment_plan', { donationId: donation.id, subscriptionId }, `installment_plan:${donation.id}`);
}

/**
 * The job: the subscription is put on a schedule whose single phase lasts exactly the months
 * still owed and then cancels. The months are counted from the subscription's start, not from
 * now, so a late or repeated run gives the same schedule; Stripe, not our webhooks, stops the
 * (N+1)th charge. No database lock is held while Stripe is called.
 */
export async function planInstallments(deps: JobDeps, job: { donationId: string; subscriptionId: string }): Promise<void> {
  const { gateway, logger } = deps;
  if (!gateway) throw new Error('installment plans need the payment gateway');
  const donation = await findDonation(deps.db, job.donationId);
  if (!donation || donation.installments == null || donation.scheduleId) return;
  const subscription = await gateway.retrieveSubscription(job.subscriptionId);
  if (!['active', 'trialing', 'past_due', 'unpaid'].includes(subscription.status)) return;

  let schedule = subscription.scheduleId
    ? await gateway.retrieveSchedule(subscription.scheduleId)
    : await gateway.createScheduleFromSubscription(subscription.id);
  const periodsBefore = monthsBetween(subscription.startDate, schedule.phaseStart);
  const remaining = donation.installments - periodsBefore;
  if (remaining <= 0) {
    logger?.error({ donationId: donation.id, subscriptionId: subscription.id, periodsBefore }, 'installments already exceeded; cancelling now');
    await gateway.cancelSubscription(subscription.id);
  } else {
    schedule = await gateway.endScheduleAfterMonths(schedule, remaining);
    logger?.info({ donationId: donation.id, subscriptionId: subscription.id, scheduleId: schedule.id, remaining }, 'installment plan set');
  }
  await updateDonation(deps.db, donation.id, { scheduleId: schedule.id, billingAnchor: subscription.startDate });
}

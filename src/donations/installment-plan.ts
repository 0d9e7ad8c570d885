import type { Knex } from 'knex';
import { recordJob, type JobDeps, type LedgerEffects } from '../ledger/ledger-jobs';
import type { PaymentGateway, ScheduleInfo } from '../stripe/payment-types';
import { findDonation, updateDonation, type Donation } from './donation-repository';

/** Whole billing months from one period start to another. Stripe keeps a monthly anchor's
 * day (clamped to short months), so calendar months in UTC count periods exactly. */
export function monthsBetween(from: Date, to: Date): number {
  return (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
}

/** A gift whose end Stripe's schedule keeps: N installments, or the campaign's end date. */
const hasPlannedEnd = (donation: Donation) =>
  donation.installments != null || (donation.endsWith === 'campaign_end' && donation.campaignEndsAt != null);

/**
 * In the event's transaction: a monthly gift of N installments (or one that ends with its
 * campaign) that has no schedule yet gets a job to set one. The Stripe writes happen only after the transaction commits (planInstallments),
 * so a rollback leaves Stripe untouched and a crash leaves the job for the worker.
 */
export async function requestInstallmentPlan(
  tx: Knex, effects: LedgerEffects, donation: Donation, subscriptionId: string,
): Promise<void> {
  if (!hasPlannedEnd(donation) || donation.scheduleId) return;
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
  if (!donation || !hasPlannedEnd(donation) || donation.scheduleId) return;
  const subscription = await gateway.retrieveSubscription(job.subscriptionId);
  if (!['active', 'trialing', 'past_due', 'unpaid'].includes(subscription.status)) return;

  let schedule = subscription.scheduleId
    ? await gateway.retrieveSchedule(subscription.scheduleId)
    : await gateway.createScheduleFromSubscription(subscription.id);
  if (donation.installments == null && donation.campaignEndsAt) {
    schedule = await endWithCampaign(deps, donation.campaignEndsAt, schedule, subscription.id, donation.id);
    await updateDonation(deps.db, donation.id, { scheduleId: schedule.id, billingAnchor: subscription.startDate });
    return;
  }
  const periodsBefore = monthsBetween(subscription.startDate, schedule.phaseStart);
  const remaining = (donation.installments ?? 0) - periodsBefore;
  if (remaining <= 0) {
    logger?.error({ donationId: donation.id, subscriptionId: subscription.id, periodsBefore }, 'installments already exceeded; cancelling now');
    await gateway.cancelSubscription(subscription.id);
  } else {
    schedule = await gateway.endScheduleAfterMonths(schedule, remaining);
    logger?.info({ donationId: donation.id, subscriptionId: subscription.id, scheduleId: schedule.id, remaining }, 'installment plan set');
  }
  await updateDonation(deps.db, donation.id, { scheduleId: schedule.id, billingAnchor: subscription.startDate });
}

/**
 * A gift that ends with its campaign: the schedule's one phase ends at the campaign's end date and
 * then cancels, so Stripe itself takes no payment on or after it, whether or not our worker runs.
 * A campaign that already ended by the time this runs cancels the gift now.
 */
async function endWithCampaign(
  deps: JobDeps, endsAt: Date, schedule: ScheduleInfo, subscriptionId: string, donationId: string,
): Promise<ScheduleInfo> {
  const gateway = deps.gateway as PaymentGateway;
  if (endsAt.getTime() <= Math.max(Date.now(), schedule.phaseStart.getTime())) {
    deps.logger?.info({ donationId, subscriptionId }, 'the campaign has ended; cancelling its monthly gift now');
    await gateway.cancelSubscription(subscriptionId);
    return schedule;
  }
  const updated = await gateway.endScheduleAt(schedule, endsAt);
  deps.logger?.info({ donationId, subscriptionId, scheduleId: updated.id, endsAt }, 'monthly gift set to end with its campaign');
  return updated;
}

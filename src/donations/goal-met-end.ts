import type { Knex } from 'knex';
import { queueSupporterEmail } from '../email/email-queue';
import { recordJob, type JobDeps, type LedgerEffects } from '../ledger/ledger-jobs';
import { writeAudit } from '../staff/audit-log';
import { findDonation, lockDonation } from './donation-repository';

const RUNNING = ['pending', 'processing', 'active', 'failing'];
const jobKey = (donationId: string) => `goal_met_end:${donationId}`;

/**
 * In the milestone check's transaction, once the campaign's committed running sums reach its
 * goal: each running monthly gift set to end at the goal gets a durable job to cancel it after
 * commit. A gift whose subscription is not known yet (its checkout is still open) is found by
 * the check its own first payment causes. A gift already given a job is not asked again.
 */
export async function requestGoalMetEnds(tx: Knex, effects: LedgerEffects, campaignId: string): Promise<number> {
  const rows: Array<{ id: string }> = await tx('donations as d')
    .where({ 'd.campaign_id': campaignId, 'd.ends_with': 'goal_met' })
    .whereNotNull('d.stripe_subscription_id')
    .whereIn('d.status', RUNNING)
    .whereNotExists(tx('ledger_jobs as j').whereRaw(`j.dedupe_key = 'goal_met_end:' || d.id::text`))
    .select('d.id');
  for (const row of rows) await recordJob(tx, effects, 'goal_met_end', { donationId: row.id }, jobKey(row.id));
  return rows.length;
}

/**
 * The job: Stripe cancels the subscription (outside any transaction, with one idempotency key per
 * gift, so a retried job asks once), then one short transaction marks the gift completed, audits
 * it and queues the completion email, which says the goal was met. A gift the supporter
 * cancelled meanwhile is left as it is.
 */
export async function endGiftAtGoal(deps: JobDeps, job: { donationId: string }): Promise<void> {
  const { gateway } = deps;
  if (!gateway) throw new Error('ending a gift at its goal needs the payment gateway');
  const donation = await findDonation(deps.db, job.donationId);
  if (!donation?.subscriptionId || donation.endsWith !== 'goal_met' || !RUNNING.includes(donation.status)) return;
  await gateway.cancelGift(donation.subscriptionId, `gift-${donation.id}-goal-met`);
  await deps.db.transaction(async (tx) => {
    const locked = await lockDonation(tx, donation.id);
    // Stripe's subscription.deleted may have been processed first (as a cancel); the goal is why it ended.
    if (!locked || locked.status === 'completed') return;
    if (locked.status === 'cancelled' && await tx('gift_changes').where({ donation_id: donation.id, kind: 'cancel' }).first('id')) return;
    const now = new Date();
    await tx('donations').where({ id: donation.id })
      .update({ status: 'completed', status_changed_at: now, ended_at: now, paused_until: null });
    await writeAudit(tx, { label: 'Colecta (campaign goal met)', userId: null, tokenId: null }, {
      action: 'gift.goal_met', entityType: 'donation', entityId: donation.id, organizationId: donation.organizationId,
      before: { status: locked.status }, after: { status: 'completed', endsWith: 'goal_met' },
    });
    await queueSupporterEmail(tx, {
      dedupeKey: `monthly_completed:${donation.id}`, template: 'monthly_completed', supporterId: donation.supporterId,
      donationId: donation.id,
    });
  });
  deps.logger?.info({ donationId: donation.id, subscriptionId: donation.subscriptionId }, 'monthly gift ended: the campaign met its goal');
}

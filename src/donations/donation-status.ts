import type { Knex } from 'knex';
import { updateDonation, type Donation, type DonationStatus } from './donation-repository';

const FINAL: ReadonlySet<DonationStatus> = new Set(['paid', 'completed', 'cancelled', 'expired', 'failed']);

/**
 * Moves a donation to a status an event reports, unless a newer event already spoke or the
 * donation has ended: Stripe delivers out of order, and an old "active" must not revive a
 * gift that was cancelled. `final` statuses always win over non-final ones.
 */
export async function advanceStatus(tx: Knex, donation: Donation, next: DonationStatus, at: Date): Promise<boolean> {
  if (donation.status === next) return false;
  if (FINAL.has(donation.status) && !(next === 'paid' && donation.status === 'failed')) return false;
  if (!FINAL.has(next) && donation.statusChangedAt && at < donation.statusChangedAt) return false;
  await updateDonation(tx, donation.id, { status: next, statusChangedAt: at });
  return true;
}

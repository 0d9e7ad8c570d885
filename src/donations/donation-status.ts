import type { Knex } from 'knex';
import { updateDonation, type Donation, type DonationChanges, type DonationStatus } from './donation-repository';

const FINAL: ReadonlySet<DonationStatus> = new Set(['paid', 'completed', 'cancelled', 'expired', 'failed']);

/**
 * Moves a donation to a status an event reports, unless a newer event already spoke or the
 * donation has ended: Stripe delivers out of order, and an old "active" must not revive a
 * gift that was cancelled. `final` statuses always win over non-final ones.
 */
export async function advanceStatus(
  tx: Knex, donation: Donation, next: DonationStatus, at: Date, also: DonationChanges = {},
): Promise<boolean> {
  const moves = donation.status !== next
    && !(FINAL.has(donation.status) && !(next === 'paid' && donation.status === 'failed'))
    && !(!FINAL.has(next) && donation.statusChangedAt && at < donation.statusChangedAt);
  // `also`: other columns the caller changes on the same row, written in the same update.
  await updateDonation(tx, donation.id, moves ? { ...also, status: next, statusChangedAt: at } : also);
  return moves;
}

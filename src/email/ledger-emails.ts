import type { Knex } from 'knex';
import type { LedgerKind } from '../ledger/ledger-repository';
import { queueStaffNotice, queueSupporterEmail, type EmailTemplate } from './email-queue';

export interface AppendedEntry {
  readonly id: number;
  readonly kind: LedgerKind;
  readonly organizationId: string;
  readonly supporterId: string;
  readonly donationId: string | null;
}

function receiptTemplate(entry: AppendedEntry): EmailTemplate | null {
  switch (entry.kind) {
    case 'payment': return 'receipt_once'; // made 'receipt_monthly' by the insert when the gift is monthly
    case 'offline': return 'receipt_offline';
    case 'refund': return 'refund';
    // Disputes are between the bank and the organization; the supporter started them.
    default: return null;
  }
}

/**
 * The messages a new ledger entry causes, queued in its transaction and keyed by its id:
 * whatever Stripe replays, one entry is one receipt.
 */
export async function queueLedgerEmails(tx: Knex, entry: AppendedEntry): Promise<void> {
  const template = receiptTemplate(entry);
  if (template) {
    await queueSupporterEmail(tx, {
      dedupeKey: `receipt:${entry.id}`, template, supporterId: entry.supporterId,
      donationId: entry.donationId, ledgerEntryId: entry.id,
    });
  }
  if (entry.kind === 'payment' || entry.kind === 'offline') await queueStaffNotice(tx, entry.id, entry.organizationId);
}

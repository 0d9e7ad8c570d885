import type { Knex } from 'knex';
import type { LedgerKind } from '../ledger/ledger-repository';
import { staffNoticeInsert, supporterEmailInsert, type EmailTemplate } from './email-queue';

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
 * The messages a new ledger entry causes, keyed by its id (whatever Stripe replays, one entry is
 * one receipt), as statements for the ledger service to run in the entry's transaction.
 */
export function ledgerEmailInserts(tx: Knex, entry: AppendedEntry): Knex.Raw[] {
  const template = receiptTemplate(entry);
  const inserts: Knex.Raw[] = [];
  if (template) {
    inserts.push(supporterEmailInsert(tx, {
      dedupeKey: `receipt:${entry.id}`, template, supporterId: entry.supporterId,
      donationId: entry.donationId, ledgerEntryId: entry.id,
    }));
  }
  if (entry.kind === 'payment' || entry.kind === 'offline') inserts.push(staffNoticeInsert(tx, entry.id, entry.organizationId));
  return inserts;
}

import type { Knex } from 'knex';
import { eraseSupporterMessages } from './supporter-erasure-messages';

export type EraseReason = 'retention' | 'request';

/** What an erasure removes: the names of the fields, never their values (the audit log keeps this list). */
export const ERASED_FIELDS = [
  'supporters.email', 'supporters.first_name', 'supporters.last_name', 'supporters.phone', 'supporters.address_*',
  'supporters.stripe_customer_id', 'supporters.unsubscribe_token', 'donations.note',
  'emails.recipient', 'emails.data', 'emails.last_error', 'manage_tokens', 'staff digests (name)', 'audit_log (offline gift supporter, note)',
] as const;

/** The placeholder keeps the email CHECK and per-organization uniqueness while saying nothing. */
export function erasedEmail(supporterId: string): string {
  return `erased-${supporterId}@erased.invalid`;
}

/**
 * Erases a supporter's contact data in place, and every copy of it in the emails they were
 * sent, their sign-in links and the staff digests naming them. Ledger entries (amounts, dates,
 * earmarks, receipt numbers) are untouched, so totals and exports keep their sums. Returns false
 * when the supporter was already erased.
 */
export async function eraseSupporter(tx: Knex, supporterId: string, reason: EraseReason): Promise<boolean> {
  const current = await tx('supporters').where({ id: supporterId }).whereNull('erased_at').forUpdate()
    .first('id', 'email', 'organization_id');
  if (!current) return false;
  await tx('supporters')
    .where({ id: supporterId })
    .update({
      email: erasedEmail(supporterId), first_name: '', last_name: '', phone: null,
      address_line1: null, address_line2: null, address_city: null, address_region: null,
      address_postal_code: null, address_country: null, email_updates: false, stripe_customer_id: null,
      unsubscribe_token: null, erased_at: tx.fn.now(), erase_reason: reason, updated_at: tx.fn.now(),
    });
  await tx('donations').where({ supporter_id: supporterId }).update({ note: null });
  await eraseSupporterMessages(tx, { id: supporterId, email: String(current.email), organizationId: String(current.organization_id) });
  return true;
}

import type { Knex } from 'knex';

export type EraseReason = 'retention' | 'request';

/** The placeholder keeps the email CHECK and per-organization uniqueness while saying nothing. */
export function erasedEmail(supporterId: string): string {
  return `erased-${supporterId}@erased.invalid`;
}

/**
 * Erases a supporter's contact data in place. Ledger entries (amounts, dates, earmarks,
 * receipt numbers) are untouched, so totals and exports keep their sums. Returns false when
 * the supporter was already erased.
 */
export async function eraseSupporter(tx: Knex, supporterId: string, reason: EraseReason): Promise<boolean> {
  const erased = await tx('supporters')
    .where({ id: supporterId })
    .whereNull('erased_at')
    .update({
      email: erasedEmail(supporterId), first_name: '', last_name: '', phone: null,
      address_line1: null, address_line2: null, address_city: null, address_region: null,
      address_postal_code: null, address_country: null, email_updates: false, stripe_customer_id: null,
      erased_at: tx.fn.now(), erase_reason: reason, updated_at: tx.fn.now(),
    });
  if (erased === 0) return false;
  await tx('donations').where({ supporter_id: supporterId }).update({ note: null });
  return true;
}

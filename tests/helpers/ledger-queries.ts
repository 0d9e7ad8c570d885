import type { Knex } from 'knex';

export interface LedgerRow {
  id: number; kind: string; gross: number; fee: number; net: number; currency: string; installment: number | null;
  donation_id: string | null; stripe_charge_id: string | null; stripe_refund_id: string | null;
  stripe_dispute_id: string | null; stripe_balance_transaction_id: string | null; receipt_number: string | null;
  card_last4: string | null; stripe_invoice_id: string | null;
}

export function ledgerFor(db: Knex, donationId: string): Promise<LedgerRow[]> {
  return db('ledger_entries').where({ donation_id: donationId }).orderBy('id');
}

export async function donationRow(db: Knex, donationId: string) {
  return db('donations').where({ id: donationId }).first();
}

export async function donationIdForSession(db: Knex, sessionId: string): Promise<string> {
  const row = await db('donations').where({ stripe_checkout_session_id: sessionId }).first('id');
  if (!row) throw new Error(`no donation for ${sessionId}`);
  return row.id;
}

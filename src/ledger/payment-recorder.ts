import type { Knex } from 'knex';
import { findDonation, type Donation } from '../donations/donation-repository';
import type { Logger } from '../lib/logger';
import type { ChargeInfo } from '../stripe/payment-types';
import type { LedgerEffects } from './ledger-jobs';
import { recordPaymentEntryOnce } from './ledger-service';

/** Whatever one event knows about a payment; the rest arrives with other events. */
export interface PaymentFacts {
  readonly paymentIntentId: string;
  readonly donationId?: string;
  /** The caller's donation, read and locked with lockDonation, to spare a query; only its fixed fields are used. */
  readonly donation?: Donation;
  readonly invoiceId?: string;
  readonly installment?: number;
  readonly charge?: ChargeInfo | null;
}

export type PaymentOutcome = 'recorded' | 'already_recorded' | 'waiting';

/** A transaction that may append to the ledger, with what it leaves to do after commit. */
export interface LedgerTx {
  readonly tx: Knex;
  readonly logger: Logger;
  readonly effects: LedgerEffects;
}

interface StripePaymentRow {
  payment_intent_id: string; donation_id: string | null; invoice_id: string | null; installment: number | null;
  charge_id: string | null; balance_transaction_id: string | null; gross: number | null; fee: number | null;
  currency: string | null; payment_method: string | null; card_last4: string | null; paid_at: Date | null;
}

const keep = (tx: Knex, column: string) => tx.raw(`coalesce(stripe_payments.${column}, excluded.${column})`);

/**
 * Every handler locks a payment's donation before its stripe_payments row (checkout and invoice
 * handlers lock the donation first thing). A charge.updated that took the payment's row first
 * and then needed the donation (the ledger entry's foreign key) deadlocked against a
 * concurrent checkout.session.completed of the same gift, which holds the donation.
 */
async function lockDonationFirst(tx: Knex, facts: PaymentFacts): Promise<void> {
  const donationId = facts.donationId
    ?? (await tx('stripe_payments').where({ payment_intent_id: facts.paymentIntentId }).first('donation_id'))?.donation_id as string | null | undefined;
  if (donationId) await tx('donations').where({ id: donationId }).forUpdate().first('id');
}

/**
 * Merges the facts into what is known of the payment, and writes its ledger entry once the
 * donation, the charge and the charge's balance transaction are all known. The upsert locks
 * the payment's row, so concurrent events about one payment take turns and only one writes.
 */
export async function recordPaymentFacts(ctx: LedgerTx, facts: PaymentFacts): Promise<PaymentOutcome> {
  const { tx, logger } = ctx;
  if (!facts.donation) await lockDonationFirst(tx, facts);
  const charge = facts.charge?.status === 'succeeded' ? facts.charge : null;
  const bt = charge?.balanceTransaction ?? null;
  const merged = ['donation_id', 'invoice_id', 'installment', 'charge_id', 'balance_transaction_id', 'gross', 'fee',
    'currency', 'payment_method', 'card_last4', 'paid_at'];
  const [row] = (await tx('stripe_payments')
    .insert({
      payment_intent_id: facts.paymentIntentId,
      donation_id: facts.donationId ?? null,
      invoice_id: facts.invoiceId ?? null,
      installment: facts.installment ?? null,
      charge_id: charge?.id ?? null,
      balance_transaction_id: bt?.id ?? null,
      gross: bt?.amount ?? null,
      fee: bt?.fee ?? null,
      currency: bt?.currency ?? null,
      payment_method: charge?.paymentMethod ?? null,
      card_last4: charge?.cardLast4 ?? null,
      paid_at: charge?.created ?? null,
    })
    .onConflict('payment_intent_id')
    .merge({ ...Object.fromEntries(merged.map((c) => [c, keep(tx, c)])), updated_at: tx.fn.now() })
    .returning('*')) as StripePaymentRow[];
  if (!row) throw new Error('stripe_payments upsert returned nothing');

  const { donation_id: donationId, charge_id: chargeId, balance_transaction_id: btId } = row;
  if (!donationId || !chargeId || !btId || row.gross == null || row.fee == null || !row.currency || !row.paid_at || row.installment == null) {
    return 'waiting';
  }
  // Without the donation at hand (a charge event), "already recorded?" is asked before reading it;
  // with it, the insert below asks, in the same statement.
  if (!facts.donation && (await tx('ledger_entries').where({ stripe_charge_id: chargeId, kind: 'payment' }).first('id'))) {
    return 'already_recorded';
  }
  const donation = facts.donation?.id === donationId ? facts.donation : await findDonation(tx, donationId);
  if (!donation) throw new Error(`donation ${donationId} named by payment ${row.payment_intent_id} does not exist`);
  const id = await recordPaymentEntryOnce(tx, ctx.effects, {
    kind: 'payment',
    organizationId: donation.organizationId,
    campaignId: donation.campaignId,
    earmarkId: donation.earmarkId,
    supporterId: donation.supporterId,
    donationId,
    gross: row.gross,
    fee: row.fee,
    currency: row.currency,
    occurredAt: row.paid_at,
    installment: row.installment,
    paymentMethod: row.payment_method,
    cardLast4: row.card_last4,
    stripeChargeId: chargeId,
    stripeInvoiceId: row.invoice_id,
    stripeBalanceTransactionId: btId,
  });
  if (id === null) return 'already_recorded';
  // Said once, by the event that records the entry, not again by each replay.
  if (row.currency === donation.currency && row.gross !== donation.chargeAmount) {
    logger.warn({ donationId, chargeId, expected: donation.chargeAmount, got: row.gross }, 'payment differs from the donation');
  }
  if (donation.installments != null && row.installment > donation.installments) {
    logger.error({ donationId, chargeId, installment: row.installment }, 'payment beyond the chosen number of installments');
  }
  logger.info({ donationId, chargeId, installment: row.installment }, 'payment recorded');
  return 'recorded';
}

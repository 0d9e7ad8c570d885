import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { writeAudit } from '../staff/audit-log';
import { assertCanWrite, type Principal } from '../staff/principal';
import type { PaymentGateway } from '../stripe/payment-types';

export const refundRequestSchema = z.object({
  amount: z.number().int('must be whole minor units (cents)').positive().optional()
    .describe('minor units; the whole amount not yet refunded when left out'),
});

export interface RequestedRefund {
  readonly refundId: string;
  readonly chargeId: string;
  readonly amount: number;
  readonly status: string;
  readonly message: string;
}

/** How much of a payment entry is still refundable, from the ledger. */
export async function refundableOf(db: Knex, entryId: number) {
  const entry = await db('ledger_entries').where({ id: entryId }).first('id', 'kind', 'gross', 'currency', 'stripe_charge_id', 'organization_id');
  if (!entry) throw AppError.notFound('Ledger entry');
  const refunded = await db('ledger_entries').where({ stripe_charge_id: entry.stripe_charge_id ?? '', kind: 'refund' })
    .sum<{ total: number | null }>('gross as total').first();
  return { entry, refunded: -Number(refunded?.total ?? 0), refundable: Number(entry.gross) + Number(refunded?.total ?? 0) };
}

/**
 * Asks Stripe to refund a payment, whole or in part. The ledger is not touched here: the refund
 * entry is written when Stripe's charge.refunded event arrives, from Stripe's own figures.
 */
export async function requestRefund(
  db: Knex, gateway: PaymentGateway, principal: Principal, entryId: number, amount: number | undefined,
): Promise<RequestedRefund> {
  const { entry, refunded, refundable } = await refundableOf(db, entryId);
  assertCanWrite(principal, entry.organization_id);
  if (entry.kind !== 'payment' || !entry.stripe_charge_id) {
    throw new AppError(409, 'not_refundable', 'Only a Stripe payment can be refunded here; offline gifts are returned by hand');
  }
  const wanted = amount ?? refundable;
  if (wanted <= 0 || wanted > refundable) {
    throw AppError.invalid([{ field: 'amount', message: `must be between 1 and ${refundable} (already refunded: ${refunded})` }]);
  }
  // The same request twice (a double click, a retried call) reaches Stripe as one refund.
  const refund = await gateway.createRefund(entry.stripe_charge_id, wanted, `refund-${entry.id}-${refunded}-${wanted}`);
  await db.transaction((tx) => writeAudit(tx, principal, {
    action: 'refund.request', entityType: 'ledger_entry', entityId: String(entry.id), organizationId: entry.organization_id,
    before: { refunded }, after: { refundId: refund.id, amount: wanted, status: refund.status },
  }));
  return {
    refundId: refund.id, chargeId: entry.stripe_charge_id, amount: wanted, status: refund.status,
    message: 'Stripe accepted the refund; the ledger changes when Stripe confirms it with its charge.refunded event.',
  };
}

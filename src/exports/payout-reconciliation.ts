import type { Knex } from 'knex';
import type { Logger } from '../lib/logger';
import type { PaymentGateway, PayoutBalanceTx, PayoutInfo } from '../stripe/payment-types';
import {
  ledgerEntriesByBalanceTransaction, linkBalanceTransactions, payoutSummary, touchPayout, upsertPayout, type PayoutSummaryRow,
} from './payout-repository';

/** What Stripe says about a payout: the payout and every balance transaction it paid out. */
export interface FetchedPayout {
  readonly payout: PayoutInfo;
  readonly transactions: readonly PayoutBalanceTx[];
}

/**
 * Reads the payout from Stripe, every page. Done before any transaction opens: a payout may
 * hold thousands of balance transactions, and no lock should wait on Stripe.
 * The payout's own balance transaction (type `payout`) is the deposit itself, not a part of it.
 */
export async function fetchPayout(gateway: PaymentGateway, payoutId: string, known?: PayoutInfo): Promise<FetchedPayout> {
  const [payout, all] = await Promise.all([
    known ? Promise.resolve(known) : gateway.retrievePayout(payoutId),
    gateway.listPayoutBalanceTransactions(payoutId),
  ]);
  return { payout, transactions: all.filter((bt) => bt.type !== 'payout') };
}

/** Records the payout and links its balance transactions to the ledger entries that hold them. */
export async function recordPayout(tx: Knex, logger: Logger, fetched: FetchedPayout): Promise<void> {
  const { payout, transactions } = fetched;
  const changedPayout = await upsertPayout(tx, payout);
  const entries = await ledgerEntriesByBalanceTransaction(tx, transactions.map((bt) => bt.id));
  const changedLinks = await linkBalanceTransactions(tx, payout.id, transactions, entries);
  if (changedLinks > 0 && !changedPayout) await touchPayout(tx, payout.id);
  logger.info({
    payoutId: payout.id, transactions: transactions.length, matched: entries.size, changed: changedPayout || changedLinks > 0,
  }, 'payout reconciled');
}

export interface ReconcileDeps {
  readonly db: Knex;
  readonly gateway: PaymentGateway;
  readonly logger: Logger;
}

/** `npm run cli -- reconcile --payout po_…`: the same work as payout.paid, for any past payout. */
export async function reconcilePayout(deps: ReconcileDeps, payoutId: string): Promise<PayoutSummaryRow> {
  const fetched = await fetchPayout(deps.gateway, payoutId);
  await deps.db.transaction((tx) => recordPayout(tx, deps.logger, fetched));
  const summary = await payoutSummary(deps.db, payoutId);
  if (!summary) throw new Error(`payout ${payoutId} was recorded but cannot be read back`);
  return summary;
}

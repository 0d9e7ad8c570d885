import type { Knex } from 'knex';
import { recordPayout } from '../../src/exports/payout-reconciliation';
import { createLogger } from '../../src/lib/logger';
import type { PayoutBalanceTx } from '../../src/stripe/payment-types';
import {
  addEntry, buildCampaign, buildDonation, buildOrganization, buildSupporter, fakeStripeId, type DonationRef, type OrgRef,
} from './ledger-world';
import { prng } from './seeded-random';

export interface BooksWorld {
  readonly orgs: OrgRef[];
  readonly payoutIds: string[];
  readonly from: string;
  readonly to: string;
}

interface StripeEntry { id: number; kind: string; gross: number; fee: number; currency: string; bt: string; source: string }

const DAY = 86_400_000;

/**
 * A seeded random ledger through the real append path: three organizations (three time zones,
 * sponsor fees changed midway), USD, JPY and EUR campaigns, one-time and monthly gifts, checks and
 * cash, partial and whole refunds, disputes lost and won, and payouts that hold most Stripe entries
 * and a Stripe fee of their own. Some gifts fall before the range and are refunded inside it.
 */
export async function buildBooksWorld(db: Knex, seed: number, gifts = 80): Promise<BooksWorld> {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const orgs = [
    await buildOrganization(db, { timeZone: 'America/Los_Angeles' }),
    await buildOrganization(db, { timeZone: 'Asia/Tokyo' }),
    await buildOrganization(db, { timeZone: 'Asia/Kolkata' }),
  ];
  const rates = [[500, 700], [0, 1000], [750, 750]];
  const setRates = (phase: number) => Promise.all(orgs.map((o, i) => db('organizations').where({ id: o.id }).update({ sponsor_fee_bps: rates[i]?.[phase] ?? 0 })));
  await setRates(0);
  const donations: DonationRef[] = [];
  for (const [i, currency] of [[0, 'usd'], [0, 'jpy'], [1, 'jpy'], [2, 'usd'], [2, 'eur']] as const) {
    const org = orgs[i] as OrgRef;
    const campaign = await buildCampaign(db, org, { currency, earmark: pick(['travel', 'training_fees', 'housing_meals']) });
    for (let n = 0; n < 3; n += 1) {
      donations.push(await buildDonation(db, campaign, await buildSupporter(db, org), { frequency: n === 2 ? 'monthly' : 'once' }));
    }
  }

  const stripe: StripeEntry[] = [];
  const add = async (donation: DonationRef, fields: Parameters<typeof addEntry>[2], source: string) => {
    const bt = fields.kind === 'offline' ? null : fakeStripeId('txn');
    const id = await addEntry(db, donation, { ...fields, stripeBalanceTransactionId: bt });
    if (bt) stripe.push({ id, kind: fields.kind, gross: fields.gross, fee: fields.fee, currency: donation.campaign.currency, bt, source });
  };
  const start = Date.UTC(2026, 8, 20);
  for (let g = 0; g < gifts; g += 1) {
    if (g === Math.floor(gifts / 2)) await setRates(1); // later entries only
    const donation = pick(donations);
    const currency = donation.campaign.currency;
    const at = new Date(start + Math.floor(random() * 68 * DAY) + Math.floor(random() * DAY));
    const gross = currency === 'jpy' ? 500 + Math.floor(random() * 20000) : 500 + Math.floor(random() * 30000);
    if (random() < 0.2) {
      const method = pick(['check', 'cash', 'bank_transfer']);
      await add(donation, { kind: 'offline', gross, fee: 0, occurredAt: at, paymentMethod: method, checkNumber: method === 'check' ? String(1000 + g) : null }, '');
      continue;
    }
    const charge = fakeStripeId('ch');
    const fee = Math.floor((gross * 29) / 1000) + (currency === 'jpy' ? 0 : 30);
    await add(donation, { kind: 'payment', gross, fee, occurredAt: at, stripeChargeId: charge, paymentMethod: 'card' }, charge);
    let left = gross;
    const later = (days: number) => new Date(at.getTime() + days * DAY);
    const roll = random();
    if (roll < 0.25) {
      for (let r = 0; r < 1 + Math.floor(random() * 3) && left > 0; r += 1) {
        const amount = random() < 0.3 ? left : Math.max(1, Math.floor(left * random()));
        left -= amount;
        await add(donation, { kind: 'refund', gross: -amount, fee: 0, occurredAt: later(1 + r), stripeChargeId: charge, stripeRefundId: fakeStripeId('re') }, fakeStripeId('re'));
      }
    } else if (roll < 0.35) {
      const dispute = fakeStripeId('du');
      const disputeFee = currency === 'jpy' ? 2000 : 1500;
      await add(donation, { kind: 'dispute', gross: -left, fee: disputeFee, occurredAt: later(3), stripeChargeId: charge, stripeDisputeId: dispute }, dispute);
      if (random() < 0.5) {
        await add(donation, { kind: 'dispute_reversal', gross: left, fee: -disputeFee, occurredAt: later(20), stripeChargeId: charge, stripeDisputeId: dispute }, dispute);
      }
    }
  }

  // Three payouts per currency from most of the Stripe entries, each with a Stripe fee not in the ledger.
  const payoutIds: string[] = [];
  const logger = createLogger('silent');
  for (const currency of ['usd', 'jpy', 'eur']) {
    const mine = stripe.filter((e) => e.currency === currency && random() < 0.8);
    for (let p = 0; p < 3; p += 1) {
      const part = mine.filter((_e, i) => i % 3 === p);
      const transactions: PayoutBalanceTx[] = part.map((e) => ({
        id: e.bt, amount: e.gross, fee: e.fee, net: e.gross - e.fee, currency,
        type: e.kind === 'payment' ? 'charge' : e.kind === 'refund' ? 'refund' : 'adjustment', sourceId: e.source,
      }));
      transactions.push({ id: fakeStripeId('txn'), amount: -200, fee: 0, net: -200, currency, type: 'stripe_fee', sourceId: null });
      const id = fakeStripeId('po');
      const amount = transactions.reduce((t, bt) => t + bt.net, 0);
      const payout = { id, amount, currency, arrivalDate: new Date(Date.UTC(2026, 9, 5 + p * 20, 12)), status: 'paid' };
      await db.transaction((tx) => recordPayout(tx, logger, { payout, transactions }));
      payoutIds.push(id);
    }
  }
  return { orgs, payoutIds, from: '2026-10-01', to: '2026-11-30' };
}

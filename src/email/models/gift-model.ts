import type { Knex } from 'knex';
import { longDate, money, type EmailLocale } from '../format';
import { ORGANIZATION_COLUMNS, SUPPORTER_COLUMNS, organizationOf, supporterView } from './shared';

const GIFT_COLUMNS = [
  'd.id as donation_id', 'd.amount as donation_amount', 'd.charge_amount', 'd.currency as donation_currency',
  'd.frequency', 'd.installments', 'd.ends_with', 'd.cover_fees', 'd.anonymous', 'd.note', 'd.created_at as donation_created_at',
  'c.slug as campaign_slug', 'c.title_en', 'c.title_es', 'e.label_en', 'e.label_es',
];

/** The gift as a receipt or notice shows it: every field formatted for the reader's locale. */
function giftView(row: Record<string, unknown>, locale: EmailLocale) {
  const currency = String(row.currency ?? row.donation_currency);
  const monthly = row.frequency === 'monthly';
  const installments = row.installments == null ? null : Number(row.installments);
  return {
    campaign: String(row[`title_${locale}`]),
    earmark: String(row[`label_${locale}`]),
    currencyCode: currency.toUpperCase(),
    monthly,
    installments,
    /** Why a monthly gift ended by itself, when it was set to end with its campaign or its goal. */
    endedWithCampaign: row.ends_with === 'campaign_end',
    endedAtGoal: row.ends_with === 'goal_met',
    monthlyAmount: row.charge_amount == null ? null : money(Number(row.charge_amount), currency, locale),
    coverFees: Boolean(row.cover_fees),
    anonymous: Boolean(row.anonymous),
    note: (row.note as string | null) ?? null,
  };
}

/** A ledger entry with its supporter, gift, campaign, earmark and organization. */
export async function loadLedgerModel(db: Knex, ledgerEntryId: number, locale: EmailLocale) {
  const row = await db('ledger_entries as l')
    .join('supporters as s', 's.id', 'l.supporter_id')
    .join('campaigns as c', 'c.id', 'l.campaign_id')
    .join('earmarks as e', 'e.id', 'l.earmark_id')
    .join('organizations as o', 'o.id', 'l.organization_id')
    .leftJoin('donations as d', 'd.id', 'l.donation_id')
    .where('l.id', ledgerEntryId)
    .first([
      'l.kind', 'l.gross', 'l.fee', 'l.currency', 'l.occurred_at', 'l.installment', 'l.payment_method', 'l.card_last4',
      'l.check_number', 'l.receipt_number', 'l.stripe_charge_id', ...GIFT_COLUMNS, ...SUPPORTER_COLUMNS, ...ORGANIZATION_COLUMNS,
    ]);
  if (!row) throw new Error(`ledger entry ${ledgerEntryId} does not exist`);
  const gift = giftView(row, locale);
  const gross = Number(row.gross);
  const currency = String(row.currency);
  // What the supporter added to cover the fees: the charge above the gift they chose.
  const feesCovered = gift.coverFees && row.kind === 'payment' && row.donation_amount != null && gross > Number(row.donation_amount)
    ? money(gross - Number(row.donation_amount), currency, locale) : null;
  let original: { receiptNumber: string; amount: string } | null = null;
  if (row.kind === 'refund' && row.stripe_charge_id) {
    const payment = await db('ledger_entries').where({ stripe_charge_id: row.stripe_charge_id, kind: 'payment' })
      .first('receipt_number', 'gross');
    if (payment) original = { receiptNumber: payment.receipt_number, amount: money(Number(payment.gross), currency, locale) };
  }
  return {
    locale,
    organization: await organizationOf(db, row, locale),
    supporter: supporterView(row),
    gift,
    entry: {
      kind: String(row.kind),
      receiptNumber: (row.receipt_number as string | null) ?? '',
      date: longDate(row.occurred_at as Date, locale, String(row.time_zone)),
      amount: money(Math.abs(gross), currency, locale),
      installment: row.installment == null ? null : Number(row.installment),
      cardLast4: (row.card_last4 as string | null) ?? null,
      paymentMethod: (row.payment_method as string | null) ?? null,
      checkNumber: (row.check_number as string | null) ?? null,
      feesCovered,
    },
    original,
  };
}

/** A donation (for monthly-gift messages) with its supporter, campaign and organization. */
export async function loadDonationModel(db: Knex, donationId: string, locale: EmailLocale) {
  const row = await db('donations as d')
    .join('supporters as s', 's.id', 'd.supporter_id')
    .join('campaigns as c', 'c.id', 'd.campaign_id')
    .join('earmarks as e', 'e.id', 'd.earmark_id')
    .join('organizations as o', 'o.id', 'c.organization_id')
    .where('d.id', donationId)
    .first([...GIFT_COLUMNS, ...SUPPORTER_COLUMNS, ...ORGANIZATION_COLUMNS]);
  if (!row) throw new Error(`donation ${donationId} does not exist`);
  const paid = await db('ledger_entries').where({ donation_id: donationId, kind: 'payment' })
    .select(db.raw('count(*)::int as n'), db.raw('coalesce(sum(gross), 0)::bigint as total')).first();
  const currency = String(row.donation_currency);
  return {
    locale,
    organization: await organizationOf(db, row, locale),
    supporter: supporterView(row),
    gift: giftView(row, locale),
    started: longDate(row.donation_created_at as Date, locale, String(row.time_zone)),
    paymentsMade: Number(paid?.n ?? 0),
    totalGiven: money(Number(paid?.total ?? 0), currency, locale),
  };
}

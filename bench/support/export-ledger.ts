import type { Knex } from 'knex';
import { DEMO_CAMPAIGN_SLUG } from '../../src/campaigns/demo-seed';

/**
 * Fills the bench database in SQL: `supporters` supporters each with one donation (every
 * third monthly in 12 installments), `entries` ledger entries spread over 2026 (a refund in
 * every 20, an offline check in every 50, the rest card payments), and one payout a month
 * linking the even Stripe entries. Every row obeys the tables' constraints.
 */
export async function fillExportLedger(db: Knex, entries: number, supporters = 10_000): Promise<void> {
  const campaign = await db('campaigns').where({ slug: DEMO_CAMPAIGN_SLUG }).first('id', 'organization_id');
  const earmark = await db('earmarks').where({ campaign_id: campaign.id, code: 'travel' }).first('id');
  await db.raw(`insert into supporters (id, organization_id, email, first_name, last_name, phone, address_line1, address_city,
      address_region, address_postal_code, address_country)
    select md5('s' || g)::uuid, ?, 'bench-' || g || '@example.org', 'Ana', 'Pérez ' || g, '+1 206 555 ' || lpad(g::text, 4, '0'),
      g || ' Pine St', 'Seattle', 'WA', '98101', 'US'
    from generate_series(1, ?) g`, [campaign.organization_id, supporters]);
  await db.raw(`insert into donations (id, campaign_id, earmark_id, supporter_id, amount, charge_amount, currency, frequency,
      installments, note, status)
    select md5('d' || g)::uuid, ?, ?, md5('s' || g)::uuid, 2000, 2000, 'usd',
      case when g % 3 = 0 then 'monthly' else 'once' end, case when g % 3 = 0 then 12 end,
      case when g % 7 = 0 then 'For the Seattle chapter, "with thanks"' end, 'paid'
    from generate_series(1, ?) g`, [campaign.id, earmark.id, supporters]);
  await db.raw(`insert into ledger_entries (kind, organization_id, campaign_id, earmark_id, supporter_id, donation_id,
      gross, fee, net, currency, occurred_at, installment, payment_method, card_last4, check_number,
      stripe_charge_id, stripe_invoice_id, stripe_refund_id, stripe_balance_transaction_id, receipt_number)
    select k.kind, ?, ?, ?, md5('s' || s)::uuid, md5('d' || s)::uuid,
      k.gross, k.fee, k.gross - k.fee, 'usd', timestamptz '2026-01-01 08:00Z' + g * (interval '1 second' * 31536000 / ?),
      case when k.kind = 'payment' then 1 + g % 12 end, case when k.kind = 'offline' then 'check' else 'card' end,
      case when k.kind = 'payment' then '4242' end, case when k.kind = 'offline' then lpad(g::text, 6, '0') end,
      case when k.kind <> 'offline' then 'ch_bench_' || g end, case when s % 3 = 0 and k.kind = 'payment' then 'in_bench_' || g end,
      case when k.kind = 'refund' then 're_bench_' || g end, case when k.kind <> 'offline' then 'txn_bench_' || g end,
      '2026-' || lpad(g::text, 7, '0')
    from generate_series(1, ?) g
    cross join lateral (select 1 + g % ? as s) sup
    cross join lateral (select
      case when g % 20 = 0 then 'refund' when g % 50 = 1 then 'offline' else 'payment' end as kind,
      case when g % 20 = 0 then -(500 + g % 10000) else 500 + g % 10000 end as gross,
      case when g % 20 = 0 or g % 50 = 1 then 0 else 30 + (500 + g % 10000) * 29 / 1000 end as fee) k`,
  [campaign.organization_id, campaign.id, earmark.id, entries, entries, supporters]);
  await db.raw(`insert into payouts (id, amount, currency, arrival_date, status)
    select 'po_bench_' || m, 0, 'usd', timestamptz '2026-01-01' + m * interval '1 month', 'paid' from generate_series(1, 12) m`);
  await db.raw(`insert into payout_balance_transactions (balance_transaction_id, payout_id, amount, fee, net, currency, type, ledger_entry_id)
    select le.stripe_balance_transaction_id, 'po_bench_' || (1 + extract(month from le.occurred_at)::int % 12), le.gross, le.fee, le.net,
      'usd', case when le.kind = 'refund' then 'refund' else 'charge' end, le.id
    from ledger_entries le where le.stripe_balance_transaction_id is not null and le.id % 2 = 0`);
  await db.raw('analyze');
}

import type { Knex } from 'knex';

/**
 * Fills a bench database with a ledger: `campaigns` campaigns of four earmarks, a supporter per
 * five donations, a donation per four entries (a third of them monthly), and `entries` ledger
 * entries (90% payments, 5% refunds, 5% offline) spread over 2026. All in SQL with
 * generate_series; foreign-key triggers are skipped for the bulk insert (every reference is built
 * to exist), the running sums are rebuilt in one statement, then the tables are vacuumed so the visibility map is set, as autovacuum would.
 */
export async function loadLedger(db: Knex, organizationId: string, campaigns: number, entries: number): Promise<void> {
  const donations = Math.floor(entries / 4);
  await db.transaction(async (tx) => {
    await tx.raw('set local session_replication_role = replica');
    await tx.raw(`insert into campaigns (organization_id, slug, title_en, title_es, currency, goal, status)
      select ?, 'bench-' || g, 'Bench ' || g, 'Banco ' || g, 'usd', 5000000, 'active' from generate_series(1, ?) g`,
    [organizationId, campaigns]);
    await tx.raw(`insert into earmarks (campaign_id, code, label_en, label_es, goal, position)
      select c.id, e.code, e.code, e.code, 1000000, e.pos from campaigns c
      cross join (values ('training_fees', 1), ('travel', 2), ('housing_meals', 3), ('general', 4)) as e(code, pos)
      where c.slug like 'bench-%'`);
    await tx.raw(`insert into supporters (organization_id, email, first_name, last_name)
      select ?, 'bench-' || g || '@example.org', 'Bench', 'Supporter ' || g from generate_series(1, ?) g`,
    [organizationId, Math.max(1, Math.floor(donations / 5))]);
    await tx.raw(`create temporary table bench_refs on commit drop as
      select row_number() over () as n, c.id as campaign_id, e.id as earmark_id
      from campaigns c join earmarks e on e.campaign_id = c.id where c.slug like 'bench-%'`);
    await tx.raw(`create temporary table bench_supporters on commit drop as
      select row_number() over () as n, id from supporters where email like 'bench-%'`);
    await tx.raw(`insert into donations (id, campaign_id, earmark_id, supporter_id, amount, charge_amount, currency, frequency, status)
      select md5('d' || g)::uuid, r.campaign_id, r.earmark_id, s.id, 2000 + (g % 7) * 500, 2000 + (g % 7) * 500, 'usd',
        case when g % 3 = 0 then 'monthly' else 'once' end,
        case when g % 3 <> 0 then 'paid' when g % 30 = 0 then 'failing' when g % 21 = 0 then 'cancelled' else 'active' end
      from generate_series(1, ?) g
      join bench_refs r on r.n = 1 + (g % (select count(*) from bench_refs))
      join bench_supporters s on s.n = 1 + (g % (select count(*) from bench_supporters))`, [donations]);
    await tx.raw(`insert into ledger_entries (kind, organization_id, campaign_id, earmark_id, supporter_id, donation_id,
        gross, fee, net, currency, occurred_at, stripe_charge_id, stripe_refund_id, stripe_balance_transaction_id, check_number, receipt_number)
      select k.kind, ?, d.campaign_id, d.earmark_id, d.supporter_id, d.id,
        case when k.kind = 'refund' then -d.amount / 2 else d.amount end,
        case when k.kind = 'payment' then 88 else 0 end,
        case when k.kind = 'refund' then -d.amount / 2 else d.amount end - case when k.kind = 'payment' then 88 else 0 end,
        'usd', timestamptz '2026-01-01' + (g % 330) * interval '1 day',
        case when k.kind = 'offline' then null else 'ch_bench_' || g end,
        case when k.kind = 'refund' then 're_bench_' || g end,
        case when k.kind = 'offline' then null else 'txn_bench_' || g end,
        case when k.kind = 'offline' then 'chk' || g end,
        'B-' || lpad(g::text, 7, '0')
      from generate_series(1, ?) g
      join donations d on d.id = md5('d' || (1 + g % ?))::uuid
      cross join lateral (select case when g % 20 = 0 then 'refund' when g % 20 = 1 then 'offline' else 'payment' end as kind) k`,
    [organizationId, entries, donations]);
  });
  // The bulk insert skipped the trigger that keeps the running sums: compute them once, as the
  // migration does for an existing ledger.
  await db.raw('select ledger_totals_rebuild()');
  await db.raw('select monthly_supporters_rebuild()');
  await db.raw('vacuum analyze');
}

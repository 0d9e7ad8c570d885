import knexFactory, { type Knex } from 'knex';
import { DEMO_CAMPAIGN_SLUG, ensureDemo } from '../../src/campaigns/demo-seed';
import { createDb } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';

const DEFAULT_ADMIN_URL = 'postgres://root@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  readonly db: Knex;
  /** Drops the database, even while the service still holds connections to it. */
  drop(): Promise<void>;
}

/**
 * A fresh database named for the bench on the server of BENCH_DATABASE_URL (whose own database
 * is only used to create and drop it), migrated like production.
 */
export async function createBenchDatabase(adminUrl = process.env.BENCH_DATABASE_URL || DEFAULT_ADMIN_URL): Promise<BenchDatabase> {
  const name = `colecta_bench_${process.pid}`;
  const admin = knexFactory({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
  const dropIt = () => admin.raw(`drop database if exists ${name} with (force)`);
  let db: Knex | null = null;
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await db?.destroy();
    await dropIt();
    await admin.destroy();
  };
  try {
    await dropIt();
    await admin.raw(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    db = createDb({ databaseUrl: url.toString(), poolMax: 4 });
    await migrateLatest(db);
    await ensureDemo(db);
    return { name, url: url.toString(), db, drop };
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
}

/** Monthly gifts of 20.00 USD to a campaign's (the demo one's) travel earmark, each from its own supporter. */
export async function seedPendingMonthlyDonations(db: Knex, count: number, slug = DEMO_CAMPAIGN_SLUG, tag = ''): Promise<string[]> {
  const campaign = await db('campaigns').where({ slug }).first('id', 'organization_id');
  const earmark = await db('earmarks').where({ campaign_id: campaign.id, code: 'travel' }).first('id');
  const ids: string[] = [];
  const batch = 1000;
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const numbers = Array.from({ length: size }, (_, i) => start + i);
    await db.transaction(async (tx) => {
      const supporters: { id: string }[] = await tx('supporters')
        .insert(numbers.map((n) => ({
          organization_id: campaign.organization_id,
          email: `bench-supporter-${tag}${n}@example.org`,
          first_name: 'Bench',
          last_name: `Supporter ${n}`,
          locale: 'en',
        })))
        .returning('id');
      const donations: { id: string }[] = await tx('donations')
        .insert(supporters.map((s) => ({
          campaign_id: campaign.id,
          earmark_id: earmark.id,
          supporter_id: s.id,
          amount: 2000,
          charge_amount: 2000,
          currency: 'usd',
          frequency: 'monthly',
          installments: null,
          status: 'pending',
        })))
        .returning('id');
      ids.push(...donations.map((d) => d.id));
    });
  }
  await db.raw('analyze');
  return ids;
}

export async function createBareTable(db: Knex): Promise<void> {
  await db.raw(`create table bench_bare (
    id bigserial primary key, event_id text, payload jsonb, received_at timestamptz default now())`);
}

export async function countRows(db: Knex, table: string): Promise<number> {
  const row = await db(table).count<{ n: number }>('* as n').first();
  return Number(row?.n ?? 0);
}

export interface LedgerCheck {
  readonly measuredPayments: number;
  readonly allPayments: number;
  readonly eventsProcessed: number;
  readonly eventsWithError: number;
  readonly donationsActive: number;
}

/** What the service really did: payment entries for the measured donations, and its event log. */
export async function checkLedger(db: Knex, measuredDonationIds: readonly string[]): Promise<LedgerCheck> {
  const measured = await db('ledger_entries').where({ kind: 'payment' }).whereIn('donation_id', measuredDonationIds)
    .count<{ n: number }>('* as n').first();
  const all = await db('ledger_entries').where({ kind: 'payment' }).count<{ n: number }>('* as n').first();
  const processed = await db('stripe_events').whereNotNull('processed_at').count<{ n: number }>('* as n').first();
  const failed = await db('stripe_events').whereNotNull('last_error').count<{ n: number }>('* as n').first();
  const active = await db('donations').where({ status: 'active' }).count<{ n: number }>('* as n').first();
  return {
    measuredPayments: Number(measured?.n ?? 0),
    allPayments: Number(all?.n ?? 0),
    eventsProcessed: Number(processed?.n ?? 0),
    eventsWithError: Number(failed?.n ?? 0),
    donationsActive: Number(active?.n ?? 0),
  };
}

/** The distinct errors the service left on stripe_events, most frequent first. */
export async function eventErrors(db: Knex, limit = 5): Promise<{ error: string; n: number }[]> {
  const rows = await db('stripe_events').whereNotNull('last_error')
    .groupBy('last_error').select('last_error').count<{ last_error: string; n: number }[]>('* as n').orderBy('n', 'desc').limit(limit);
  return rows.map((r) => ({ error: r.last_error, n: Number(r.n) }));
}

import type { Knex } from 'knex';
import { checkBooks } from '../../src/books/books-check';
import { formatReport } from '../../src/books/books-commands';
import { createBooksService } from '../../src/books/books-service';
import { buildBooksWorld, type BooksWorld } from '../factories/books-world';
import { createTestDb, type TestDb } from '../helpers/test-db';

let testDb: TestDb;
let db: Knex;
let world: BooksWorld;
const SEED = 16_2026;

beforeAll(async () => {
  testDb = await createTestDb();
  db = testDb.db;
  world = await buildBooksWorld(db, SEED);
}, 120_000);
afterAll(() => testDb.destroy());

const check = () => checkBooks({ db, books: createBooksService(db) }, { from: world.from, to: world.to });
const failing = async () => (await check()).comparisons.filter((c) => !c.ok).map((c) => c.name);

/** Runs `change` with the ledger's append-only trigger off: only a test may plant an error in the books. */
async function editLedger(change: (tx: Knex) => Promise<unknown>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.raw('alter table ledger_entries disable trigger ledger_entries__append_only');
    await change(tx);
    await tx.raw('alter table ledger_entries enable trigger ledger_entries__append_only');
  });
}

describe(`books:check on a seeded random ledger (seed ${SEED})`, () => {
  it('finds every report in agreement with the ledger, and has compared each kind of report', async () => {
    const report = await check();
    const lines = formatReport(report);
    expect(lines.filter((l) => l.startsWith('DIFFERENT'))).toEqual([]);
    expect(report.ok).toBe(true);
    const names = report.comparisons.map((c) => c.name).join('\n');
    for (const kind of [
      /^sponsor fee on each entry vs its rate, USD$/m, /^sponsor fee on each entry vs its rate, JPY$/m, /^donation export vs ledger, EUR$/m,
      /^staff totals of campaign-/m, /^statement of org-.* for 2026-10 vs ledger/m, /^statement of org-.* for 2026-11 vs ledger/m,
      /^journal of payout po_/m, /^journals of offline gifts, USD$/m, /^QuickBooks journal file, JPY$/m, /^Xero journal file$/m, /^payout po_/m,
    ]) expect(names).toMatch(kind);
    // The world has money in it to compare: sponsor fees, refunds and disputes all moved.
    const fees = report.comparisons.filter((c) => c.name.startsWith('donation export'))
      .flatMap((c) => c.figures.filter((f) => f.label === 'sponsor fee').map((f) => f.ledger));
    expect(fees.every((f) => f > 0)).toBe(true);
    expect(await db('ledger_entries').whereIn('kind', ['refund', 'dispute', 'dispute_reversal']).whereNot({ sponsor_fee: 0 }).count({ n: '*' }).first())
      .not.toEqual({ n: 0 });
    expect(lines.at(-1)).toMatch(/^All \d+ comparisons agree to the cent\.$/);
  });

  it('catches a payout one cent off its balance transactions, and names that payout alone', async () => {
    const id = world.payoutIds[1] as string;
    await db('payouts').where({ id }).increment('amount', 1);
    try {
      const report = await check();
      expect(report.ok).toBe(false);
      expect(report.comparisons.filter((c) => !c.ok).map((c) => c.name)).toEqual([expect.stringMatching(new RegExp(`^payout ${id} `))]);
      expect(formatReport(report).find((l) => l.startsWith('DIFFERENT'))).toMatch(/amount = its balance transactions [\d.]+ ≠ [\d.]+ \(off by 0\.01\)/);
    } finally {
      await db('payouts').where({ id }).decrement('amount', 1);
    }
    expect(await failing()).toEqual([]);
  });

  it('catches one entry charged a cent more sponsor fee than its rate gives', async () => {
    const entry = await db('ledger_entries').where({ kind: 'payment', currency: 'usd' }).whereRaw("occurred_at > '2026-10-10'").where('sponsor_fee_bps', '>', 0)
      .orderBy('id').first('id');
    await editLedger((tx) => tx('ledger_entries').where({ id: entry.id }).increment('sponsor_fee', 1).decrement('net', 0));
    try {
      // An edit behind the ledger's triggers also leaves the running sums behind, so the staff
      // totals of that entry's campaign disagree with the recomputed ledger as well.
      const campaign = await db('campaigns').join('ledger_entries', 'ledger_entries.campaign_id', 'campaigns.id')
        .where('ledger_entries.id', entry.id).first('campaigns.slug');
      expect(await failing()).toEqual([
        'sponsor fee on each entry vs its rate, USD', `staff totals of ${campaign.slug} (all time) vs ledger, USD`,
      ]);
    } finally {
      await editLedger((tx) => tx('ledger_entries').where({ id: entry.id }).decrement('sponsor_fee', 1));
    }
    expect(await failing()).toEqual([]);
  });

  it('catches a payout whose recorded balance transaction differs from its ledger entry by a cent', async () => {
    const bt = await db('payout_balance_transactions').whereNotNull('ledger_entry_id').where({ type: 'charge', payout_id: world.payoutIds[0] }).first('balance_transaction_id');
    await db('payout_balance_transactions').where({ balance_transaction_id: bt.balance_transaction_id }).update({ amount: db.raw('amount + 1'), net: db.raw('net + 1') });
    try {
      const names = await failing();
      expect(names).toEqual([expect.stringMatching(new RegExp(`^payout ${world.payoutIds[0]} `))]);
    } finally {
      await db('payout_balance_transactions').where({ balance_transaction_id: bt.balance_transaction_id }).update({ amount: db.raw('amount - 1'), net: db.raw('net - 1') });
    }
  });
});

import type { Knex } from 'knex';
import { ensureDemo } from '../../src/campaigns/demo-seed';
import type { NewLedgerEntry } from '../../src/ledger/ledger-repository';
import { newEffects } from '../../src/ledger/ledger-jobs';
import { applyEffects, recordLedgerEntry, recordLedgerEntryAlone, sweepLedgerWork } from '../../src/ledger/ledger-service';
import { createDb } from '../../src/db/knex';
import { createTestDb, type TestDb } from '../helpers/test-db';

let testDb: TestDb;
let db: Knex;
let campaignId: string;
let organizationId: string;
let earmarkId: string;

beforeAll(async () => {
  testDb = await createTestDb();
  db = testDb.db;
  await ensureDemo(db);
  const campaign = await db('campaigns').where({ slug: 'organizer-training' }).first('id', 'organization_id');
  campaignId = campaign.id;
  organizationId = campaign.organization_id;
  earmarkId = (await db('earmarks').where({ campaign_id: campaignId, code: 'travel' }).first('id')).id;
});
afterAll(() => testDb.destroy());

/** A fresh campaign of the demo organization, its goal and steps chosen, with one earmark. */
async function freshCampaign(slug: string, goal: number | null, steps: number[]): Promise<{ campaignId: string; earmarkId: string }> {
  const [c] = await db('campaigns').insert({
    organization_id: organizationId, slug, title_en: slug, title_es: slug, currency: 'usd', goal, status: 'active',
    milestone_steps: db.raw('?::int[]', [`{${steps.join(',')}}`]),
  }).returning('id');
  const [e] = await db('earmarks').insert({ campaign_id: c.id, code: 'travel', label_en: 'Travel', label_es: 'Viajes', position: 1 }).returning('id');
  return { campaignId: c.id, earmarkId: e.id };
}

async function supporter(email: string, emailUpdates = false): Promise<string> {
  const [s] = await db('supporters').insert({ organization_id: organizationId, email, first_name: 'Ana', last_name: 'Pérez', email_updates: emailUpdates })
    .returning('id');
  return s.id;
}

const cash = (over: Partial<NewLedgerEntry> & { supporterId: string }): NewLedgerEntry => ({
  kind: 'offline', organizationId, campaignId, earmarkId, donationId: null, gross: 1000, fee: 0, currency: 'usd',
  occurredAt: new Date('2026-06-01T12:00:00Z'), paymentMethod: 'cash', ...over,
});

describe('work left for after commit', () => {
  it('leaves nothing behind when the transaction rolls back', async () => {
    const before = await db('ledger_jobs').count<{ n: number }>('* as n').first();
    const supporterId = await supporter('rollback@example.org');
    await expect(db.transaction(async (tx) => {
      await recordLedgerEntry(tx, newEffects(), cash({ supporterId }));
      throw new Error('the handler failed after appending');
    })).rejects.toThrow('the handler failed');
    expect(await db('ledger_jobs').count<{ n: number }>('* as n').first()).toEqual(before);
    expect(await db('ledger_entries').where({ supporter_id: supporterId }).first()).toBeUndefined();
  });

  it('records a milestone check only where there is a line to cross: none for a campaign without a goal', async () => {
    const jobsOf = (id: number) => db('ledger_jobs').where({ kind: 'milestone_check' }).whereRaw("(payload->>'ledgerEntryId')::bigint = ?", [id]);
    const noGoal = await freshCampaign('no-goal', null, [50]);
    const withGoal = await freshCampaign('with-goal', 100_000, [50]);
    const supporterId = await supporter('goals@example.org');
    const none = newEffects();
    const plain = await db.transaction((tx) => recordLedgerEntry(tx, none, cash({ supporterId, ...noGoal })));
    const some = newEffects();
    const counted = await db.transaction((tx) => recordLedgerEntry(tx, some, cash({ supporterId, ...withGoal })));
    expect(none.jobIds).toEqual([]);
    expect(await jobsOf(plain)).toHaveLength(0);
    expect(some.jobIds).toHaveLength(1);
    expect(await jobsOf(counted)).toHaveLength(1);
    // The receipt still gets its number after commit, with no job row at all.
    await applyEffects({ db }, none);
    expect((await db('ledger_entries').where({ id: plain }).first('receipt_number')).receipt_number).toMatch(/^\d{4}-\d{6}$/);
  });

  it('is done by the worker\'s sweep when the process died right after the commit', async () => {
    const scope = await freshCampaign('crash-after-commit', 2000, [50]);
    const supporterId = await supporter('crash@example.org');
    // Committed, but the after-commit step never ran (the process "died" here).
    const id = await db.transaction((tx) => recordLedgerEntry(tx, newEffects(), cash({ supporterId, ...scope, gross: 1500 })));
    expect((await db('ledger_entries').where({ id }).first('receipt_number')).receipt_number).toBeNull();
    expect(await db('milestones').where({ campaign_id: scope.campaignId })).toHaveLength(0);

    await sweepLedgerWork({ db });
    expect((await db('ledger_entries').where({ id }).first('receipt_number')).receipt_number).toMatch(/^2026-\d{6}$/);
    expect(await db('milestones').where({ campaign_id: scope.campaignId }).select('step')).toEqual([{ step: 50 }]);
    expect(await db('ledger_jobs').where({ status: 'queued' }).whereRaw(`payload->>'ledgerEntryId' = ?`, [String(id)])).toHaveLength(0);
  });

  it('numbers receipts in entry order, one sequence per organization and year, with no gaps', async () => {
    const supporterId = await supporter('numbers@example.org');
    const ids: number[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await recordLedgerEntryAlone({ db }, cash({ supporterId, occurredAt: new Date('2030-03-01T12:00:00Z') })));
    const numbers = await db('ledger_entries').whereIn('id', ids).orderBy('id').pluck('receipt_number');
    expect(numbers).toEqual(['2030-000001', '2030-000002', '2030-000003', '2030-000004', '2030-000005']);
  });
});

// Real concurrency needs two connections; PGlite has one, so these run on PostgreSQL only.
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

onPostgres('two gifts at the same moment on two connections', () => {
  it('both cross a milestone line together, and the milestone is recorded and mailed once', async () => {
    const scope = await freshCampaign('together', 10_000, [50]);
    const fan = await supporter('together-fan@example.org', true);
    const other = await supporter('together-other@example.org', true);
    const [tx1, tx2] = [await db.transaction(), await db.transaction()];
    const [e1, e2] = [newEffects(), newEffects()];
    await recordLedgerEntry(tx1, e1, cash({ supporterId: fan, ...scope, gross: 3000 }));
    await recordLedgerEntry(tx2, e2, cash({ supporterId: other, ...scope, gross: 3000 }));
    // Neither transaction sees the other's gift: each alone is under the line (30% of the goal).
    for (const tx of [tx1, tx2]) {
      const seen = await tx('ledger_totals').where({ campaign_id: scope.campaignId }).sum<{ s: number }>('raised as s').first();
      expect(Number(seen?.s)).toBe(3000);
    }
    await Promise.all([tx1.commit(), tx2.commit()]);
    // Two instances, each with its own pool: their after-commit checks run at the same moment.
    const secondInstance = createDb({ databaseUrl: testDb.url });
    try {
      await Promise.all([applyEffects({ db }, e1), applyEffects({ db: secondInstance }, e2)]);
    } finally {
      await secondInstance.destroy();
    }

    expect(await db('milestones').where({ campaign_id: scope.campaignId }).select('step', 'raised')).toEqual([{ step: 50, raised: 6000 }]);
    const mails = await db('emails').where({ template: 'milestone', campaign_id: scope.campaignId }).orderBy('recipient').pluck('recipient');
    expect(mails).toEqual(['together-fan@example.org', 'together-other@example.org']);
  });

  it('numbers 30 concurrent receipts 1 to 30 without a gap, a repeat or one left unnumbered', async () => {
    const supporterId = await supporter('rush@example.org');
    const ids = await Promise.all(Array.from({ length: 30 }, () =>
      recordLedgerEntryAlone({ db }, cash({ supporterId, occurredAt: new Date('2031-05-01T12:00:00Z') }))));
    // Concurrent entries are numbered in the order they became visible (committed), not by id.
    const numbers: string[] = await db('ledger_entries').whereIn('id', ids).pluck('receipt_number');
    expect(numbers.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `2031-${String(i + 1).padStart(6, '0')}`));
  });
});

describe('the after-commit pass of one process', () => {
  it('serves the gifts that commit while it runs in one numbering, still gapless', async () => {
    const supporterId = await supporter('pass@example.org');
    const numberings: string[] = [];
    const listener = (q: { sql: string }) => {
      if (q.sql.includes('insert into receipt_counters')) numberings.push(q.sql);
    };
    db.on('query', listener);
    let ids: number[];
    try {
      ids = await Promise.all(Array.from({ length: 12 }, () =>
        recordLedgerEntryAlone({ db }, cash({ supporterId, occurredAt: new Date('2032-02-01T12:00:00Z') }))));
    } finally {
      db.off('query', listener);
    }
    // Each call returns with its number given; the calls that committed during a pass share the next.
    const numbers: string[] = await db('ledger_entries').whereIn('id', ids).pluck('receipt_number');
    expect(numbers.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `2032-${String(i + 1).padStart(6, '0')}`));
    expect(numberings.length).toBeGreaterThan(0);
    expect(numberings.length).toBeLessThan(12);
  });
});

import type { Knex } from 'knex';

const RECEIPTED = `('payment', 'offline', 'refund')`;

/**
 * Numbers, in entry order, every committed receipted entry of the organization that has no
 * number yet: sequential and gapless per organization and calendar year in its time zone. It
 * runs after the entries' own transactions commit, so no gift waits on another's commit for
 * its number; only this short step is one at a time per organization.
 */
async function numberVisible(tx: Knex, organizationId: string): Promise<number> {
  const result = await tx.raw(
    `with org as (select time_zone from organizations where id = :org),
     todo as (
       select e.id, extract(year from e.occurred_at at time zone org.time_zone)::int as year,
         row_number() over (partition by extract(year from e.occurred_at at time zone org.time_zone) order by e.id) as n
       from ledger_entries e cross join org
       where e.organization_id = :org and e.receipt_number is null and e.kind in ${RECEIPTED}),
     years as (select year, count(*) as c from todo group by year),
     counters as (
       insert into receipt_counters (organization_id, year, last_number)
       select :org, year, c from years
       on conflict (organization_id, year) do update set last_number = receipt_counters.last_number + excluded.last_number
       returning year, last_number)
     update ledger_entries l set receipt_number = t.year || '-' || lpad((c.last_number - y.c + t.n)::text, 6, '0')
     from todo t join years y on y.year = t.year join counters c on c.year = t.year
     where l.id = t.id`,
    { org: organizationId },
  );
  return Number(result.rowCount ?? 0);
}

async function hasUnnumbered(db: Knex, organizationId: string): Promise<boolean> {
  const row = await db('ledger_entries').where({ organization_id: organizationId }).whereNull('receipt_number')
    .whereIn('kind', ['payment', 'offline', 'refund']).first('id');
  return Boolean(row);
}

/**
 * One numbering at a time per organization, without queueing behind it: a caller that finds the
 * lock taken leaves its (already committed) entries to the holder, which looks again after it
 * lets go and so sees them. Returns how many entries this call numbered.
 */
export async function numberReceipts(db: Knex, organizationId: string): Promise<number> {
  let numbered = 0;
  for (let round = 0; round < 100; round += 1) {
    const done = await db.transaction(async (tx) => {
      const { rows } = await tx.raw(`select pg_try_advisory_xact_lock(hashtextextended('receipts:' || ?, 0)) as got`, [organizationId]);
      return rows[0]?.got ? numberVisible(tx, organizationId) : null;
    });
    if (done === null) return numbered;
    numbered += done;
    if (!(await hasUnnumbered(db, organizationId))) return numbered;
  }
  return numbered;
}

/** The worker's sweep: every organization with an entry still waiting for its number. */
export async function numberAllReceipts(db: Knex): Promise<number> {
  const organizations: string[] = await db('ledger_entries').whereNull('receipt_number')
    .whereIn('kind', ['payment', 'offline', 'refund']).distinct().pluck('organization_id');
  let numbered = 0;
  for (const organizationId of organizations) numbered += await numberReceipts(db, organizationId);
  return numbered;
}

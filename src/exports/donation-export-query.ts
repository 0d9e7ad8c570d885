import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { to as copyTo } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import { isPglite } from '../db/knex';
import { COPY_SELECT_LIST, copyRowValues, SELECT_LIST } from './donation-columns';

/** Which entries: from/to are inclusive dates in each entry's organization's time zone. */
export interface ExportScope {
  readonly from: string;
  readonly to: string;
  readonly organizationId: string | null;
  readonly campaignId: string | null;
}

export interface RowSourceOptions {
  /** Rows fetched per round trip (cursor batch or page). */
  readonly batchSize?: number;
  /** On PostgreSQL, rows into JavaScript (as on PGlite) instead of PostgreSQL's own CSV; for tests. */
  readonly rowsOnPostgres?: boolean;
  /** On PostgreSQL, the fewest entry ids a scope spans for two COPYs at once (default 20,000); for tests. */
  readonly twoCopiesFromSpan?: number;
}

// Measured (bench/export): 1000 rows per batch keeps each batch's garbage young; 2000 added
// about 50 MB of peak RSS for no time gained.
export const DEFAULT_BATCH_SIZE = 1000;

const EXPORT_MARKER = '/* colecta:donation-export */';

// The first two conditions only let PostgreSQL use the occurred_at index: no time zone is
// more than a day from UTC, so two days on either side keep every entry the exact test keeps.
function exportQuery(db: Knex, scope: ExportScope, page: { after: number; limit: number } | null, copy = false, ids: IdRange = {}) {
  const bindings: unknown[] = [scope.from, scope.to, scope.from, scope.to];
  // The marker names the query in pg_stat_activity, whose text is cut after 1 kB.
  let sql = `${EXPORT_MARKER} select
  ${copy ? COPY_SELECT_LIST : SELECT_LIST}
from ledger_entries le
join organizations o on o.id = le.organization_id
join campaigns c on c.id = le.campaign_id
join earmarks e on e.id = le.earmark_id
join supporters s on s.id = le.supporter_id
left join donations d on d.id = le.donation_id
left join payout_balance_transactions pbt on pbt.balance_transaction_id = le.stripe_balance_transaction_id${copy ? `\n${copyRowValues()}` : ''}
where le.occurred_at >= ?::date - interval '2 days' and le.occurred_at < ?::date + interval '3 days'
  and (le.occurred_at at time zone o.time_zone)::date between ?::date and ?::date`;
  if (scope.organizationId) {
    sql += '\n  and le.organization_id = ?';
    bindings.push(scope.organizationId);
  }
  if (scope.campaignId) {
    sql += '\n  and le.campaign_id = ?';
    bindings.push(scope.campaignId);
  }
  if (page) {
    sql += '\n  and le.id > ?';
    bindings.push(page.after);
  }
  if (ids.above !== undefined) {
    sql += '\n  and le.id > ?';
    bindings.push(ids.above);
  }
  if (ids.atMost !== undefined) {
    sql += '\n  and le.id <= ?';
    bindings.push(ids.atMost);
  }
  sql += '\norder by le.id';
  if (page) sql += `\nlimit ${page.limit}`;
  return db.raw(sql, bindings as Knex.RawBinding[]);
}

/** The export's query with its values inlined, for psql's \copy in the benchmark. */
export function exportSqlText(db: Knex, scope: ExportScope): string {
  return exportQuery(db, scope, null).toString();
}

/** A server-side cursor on one pooled connection; destroying the stream closes the cursor
 * (the query stops) and gives the connection back. */
async function cursorRows(db: Knex, scope: ExportScope, batchSize: number): Promise<Readable> {
  const { sql, bindings } = exportQuery(db, scope, null).toSQL().toNative();
  const connection = await db.client.acquireConnection();
  let stream: Readable;
  try {
    stream = connection.query(new QueryStream(sql, bindings as unknown[], { batchSize, rowMode: 'array' })) as Readable;
  } catch (error) {
    await db.client.releaseConnection(connection);
    throw error;
  }
  stream.once('close', () => {
    void db.client.releaseConnection(connection);
  });
  return stream;
}

/** PGlite (through knex-pglite) has no cursor: pages by entry id keep memory to one page. */
async function* pagedRows(db: Knex, scope: ExportScope, pageSize: number): AsyncGenerator<unknown[]> {
  let after = 0;
  for (;;) {
    const result = (await exportQuery(db, scope, { after, limit: pageSize })) as { rows: Record<string, unknown>[] };
    for (const row of result.rows) yield Object.values(row);
    const last = result.rows.at(-1);
    if (!last || result.rows.length < pageSize) return;
    after = last.c0 as number;
  }
}

/** The export's rows, in entry order, each an array in the select list's order. */
export async function openExportRows(db: Knex, scope: ExportScope, options: RowSourceOptions = {}): Promise<Readable> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (isPglite(db)) return Readable.from(pagedRows(db, scope, batchSize), { objectMode: true, highWaterMark: batchSize });
  return cursorRows(db, scope, batchSize);
}

/** Whether this database writes the export's CSV itself (PostgreSQL) or hands rows to JavaScript. */
export function writesCsvItself(db: Knex, options: RowSourceOptions = {}): boolean {
  return !isPglite(db) && !options.rowsOnPostgres;
}

/** Entry ids, for one part of an export written by two COPYs at once. */
export interface IdRange {
  readonly above?: number;
  readonly atMost?: number;
}

/**
 * An entry id about halfway through the scope's entries, or null when the scope is too small to
 * be worth two COPYs. Ids grow with time and the scope is a date range, so the middle of the ids
 * of its first and last entries (two index look-ups) is close to the middle; a lopsided split
 * only costs speed, never a row.
 */
export async function middleEntryId(db: Knex, scope: ExportScope, minimumSpan = 20_000): Promise<number | null> {
  const { rows } = await db.raw(
    `select (select id from ledger_entries where occurred_at >= ?::date - interval '2 days' order by occurred_at, id limit 1) as first,
       (select id from ledger_entries where occurred_at < ?::date + interval '3 days' order by occurred_at desc, id desc limit 1) as last`,
    [scope.from, scope.to],
  ) as { rows: Array<{ first: number | null; last: number | null }> };
  const first = Number(rows[0]?.first);
  const last = Number(rows[0]?.last);
  if (!Number.isFinite(first) || !Number.isFinite(last) || last - first < minimumSpan) return null;
  return Math.floor((first + last) / 2);
}

/**
 * The export's CSV records (no header) as PostgreSQL's COPY writes them, every cell already
 * formatted and guarded in SQL (COPY_SELECT_LIST), each ended by LF (CsvLineEnds makes it CRLF).
 * COPY takes no parameters, so the scope's values are inlined by knex's quoting (they are
 * checked dates and ids from the database). Destroying the stream ends the COPY and gives the
 * connection back.
 */
export async function openExportCsv(db: Knex, scope: ExportScope, ids: IdRange = {}): Promise<Readable> {
  const sql = exportQuery(db, scope, null, true, ids).toString();
  const connection = await db.client.acquireConnection();
  let copy: Readable;
  let raised = false;
  try {
    raised = (await connection.query(RAISE_WORK_MEM)).rows.length > 0;
    // The marker first, so that pg_stat_activity names the COPY as the export.
    copy = connection.query(copyTo(`${EXPORT_MARKER} copy (${sql}) to stdout with (format csv)`)) as Readable;
  } catch (error) {
    await release(db, connection, raised);
    throw error;
  }
  let ended = false;
  copy.once('end', () => { ended = true; });
  copy.once('close', () => {
    if (!ended) {
      // A COPY TO cannot be stopped on its own connection (the COPY owns its socket until it
      // ends): the connection is closed, which ends the query (PostgreSQL stops a backend whose
      // client hung up), and the pool replaces it.
      dispose(connection, 'donation export stopped before its end');
    }
    // A closed connection takes its setting with it: nothing to reset.
    void release(db, connection, raised && ended);
  });
  return copy;
}

/**
 * At PostgreSQL's default of 4 MB, the planner joins the payouts' balance transactions to the
 * entries one index look-up at a time; from 8 MB it joins them by hash. Measured over 1,000,000
 * entries (bench/export): 4.7 to 5.2 s at 8 and 16 MB against 5.3 to 5.5 s at 4 MB. Raised for
 * the export's session only, never lowered, and put back before the connection returns to the
 * pool.
 */
const EXPORT_WORK_MEM = '16MB';
const RAISE_WORK_MEM = `select set_config('work_mem', '${EXPORT_WORK_MEM}', false)
  where pg_size_bytes(current_setting('work_mem')) < pg_size_bytes('${EXPORT_WORK_MEM}')`;

interface PooledConnection {
  query(sql: string): Promise<{ rows: unknown[] }>;
  end(): Promise<void>;
  __knex__disposed?: string;
}

function dispose(connection: PooledConnection, why: string): void {
  connection.__knex__disposed = why;
  void connection.end().catch(() => undefined);
}

async function release(db: Knex, connection: PooledConnection, raised: boolean): Promise<void> {
  if (raised) await connection.query('reset work_mem').catch(() => dispose(connection, 'donation export could not reset work_mem'));
  await db.client.releaseConnection(connection);
}

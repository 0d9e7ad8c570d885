import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { types as pgTypes } from 'pg';

export type { Knex };
export type Db = Knex;

const INT8_OID = 20;

// int8 (bigint and count(*)) comes back as a number, refusing anything a JS number
// cannot hold exactly, so amounts stay exact integers.
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} is beyond the safe integer range`);
  return value;
}

// Per connection rather than pg's process-wide parser table, so nothing else is changed.
// (knex types `format` as string where pg says 'text' | 'binary'; pg only ever passes those.)
const int8AsNumber = (oid: number, format?: string) =>
  oid === INT8_OID ? parseInt8 : pgTypes.getTypeParser(oid, format as 'text' | 'binary' | undefined);

export interface DbOptions {
  /** A postgres:// connection string, or undefined for embedded PGlite. */
  readonly databaseUrl?: string;
  /** PGlite's data directory; undefined with no databaseUrl means in memory. */
  readonly pgliteDir?: string;
  readonly poolMax?: number;
  /** The running server's socket for the embedded database (a path, or host:port). */
  readonly embeddedSocket?: string;
}

export function createDb(options: DbOptions): Db {
  if (options.embeddedSocket) {
    // The server's PGlite through its socket: one connection, as PGlite serves one at a time.
    const unix = options.embeddedSocket.startsWith('/');
    const [host = '', port = ''] = unix ? [] : options.embeddedSocket.split(':');
    return knexFactory({
      client: 'pg',
      embedded: true,
      connection: {
        host: unix ? path.dirname(options.embeddedSocket) : host,
        port: unix ? Number(/\.s\.PGSQL\.(\d+)$/.exec(options.embeddedSocket)?.[1] ?? 5432) : Number(port),
        user: 'postgres',
        database: 'postgres',
        types: { getTypeParser: int8AsNumber },
      },
      pool: { min: 0, max: 1 },
    } as Knex.Config);
  }
  if (options.databaseUrl) {
    return knexFactory({
      client: 'pg',
      connection: {
        connectionString: options.databaseUrl,
        types: { getTypeParser: int8AsNumber },
      },
      pool: { min: 0, max: options.poolMax ?? 10 },
    });
  }
  // knex-pglite is CommonJS and has no types; PGlite itself returns int8 as number.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ClientPgLite = require('knex-pglite') as typeof Knex.Client;
  if (options.pgliteDir) fs.mkdirSync(options.pgliteDir, { recursive: true });
  return knexFactory({
    client: ClientPgLite,
    dialect: 'postgres',
    connection: options.pgliteDir ? { filename: options.pgliteDir } : {},
  } as Knex.Config);
}

/** The embedded database, opened here or reached through the server's socket. */
export function isPglite(db: Db): boolean {
  const config = db.client.config as Knex.Config & { embedded?: boolean };
  return config.client !== 'pg' || config.embedded === true;
}

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

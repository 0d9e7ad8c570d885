import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { isPglite, MIGRATIONS_DIR } from './knex';

interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

// Reads migrations/ ourselves so the same files load under tsx and jest (TypeScript) and
// compiled in dist/ (JavaScript), without knex guessing at extensions. A migration is
// recorded by its source name, `….ts`, whichever form ran it, so a database migrated by one
// is up to date for the other.
const MIGRATION_FILE = /^\d{14}_[a-z0-9_]+\.(ts|js)$/;

const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() {
    return fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((name) => MIGRATION_FILE.test(name))
      .sort();
  },
  getMigrationName(name) {
    return name.replace(/\.js$/, '.ts');
  },
  async getMigration(name) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(MIGRATIONS_DIR, name)) as MigrationModule;
  },
};

// Any fixed number: the lock all Colecta instances of one database take to migrate.
const MIGRATION_LOCK_KEY = 7_361_420_261_201;

/**
 * Several instances starting at once: knex's own migration lock makes all but one fail with
 * "Migration table is already locked" instead of waiting. A PostgreSQL advisory lock, held on one
 * connection for the whole run, makes the others wait and then find nothing left to apply. (The
 * embedded database has a single owner process, so it needs no lock.)
 */
export async function migrateLatest(db: Knex): Promise<string[]> {
  if (isPglite(db)) return runLatest(db);
  // The lock's connection comes from a pool of its own: taken from `db`'s, a pool of one would
  // have nothing left for the migrations and wait for ever.
  const lockDb = knexFactory({ client: 'pg', connection: (db.client.config as Knex.Config).connection, pool: { min: 0, max: 1 } });
  try {
    // Held (not idle) for the whole run, so the pool never reaps it and its session keeps the lock.
    const connection = await lockDb.client.acquireConnection();
    try {
      await lockDb.raw('select pg_advisory_lock(?)', [MIGRATION_LOCK_KEY]).connection(connection);
      try {
        return await runLatest(db);
      } finally {
        await lockDb.raw('select pg_advisory_unlock(?)', [MIGRATION_LOCK_KEY]).connection(connection);
      }
    } finally {
      await lockDb.client.releaseConnection(connection);
    }
  } finally {
    await lockDb.destroy();
  }
}

async function runLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

export async function rollbackAll(db: Knex): Promise<void> {
  await db.migrate.rollback({ migrationSource }, true);
}

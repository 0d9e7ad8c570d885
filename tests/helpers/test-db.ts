import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { createDb } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';
import { createFromTemplate, knexOverPglite, pgliteFromDump } from './test-db-template';

export interface TestDb {
  readonly db: Knex;
  readonly kind: 'postgres' | 'pglite';
  /** The PostgreSQL database's address, for a second handle (another instance); none on PGlite. */
  readonly url?: string;
  destroy(): Promise<void>;
}

/** Refuses any server database that is not named for tests, so a test never touches real data. */
function assertTestDatabase(url: URL): void {
  const name = url.pathname.replace(/^\//, '');
  if (!/test/i.test(name)) throw new Error(`TEST_DATABASE_URL must name a test database, got "${name}"`);
}

/**
 * A fresh, migrated database per test file: a new PostgreSQL database on the server named by
 * TEST_DATABASE_URL when it is set, else an in-memory PGlite; a copy of the run's migrated
 * template when jest's global setup made one (test-db-template.ts).
 */
export async function createTestDb(): Promise<TestDb> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const copy = await pgliteFromDump();
    const db = copy ? knexOverPglite(copy) : createDb({});
    await migrateLatest(db);
    return { db, kind: 'pglite', destroy: () => db.destroy() };
  }
  const admin = new URL(serverUrl);
  assertTestDatabase(admin);
  const name = `colecta_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const adminDb = knexFactory({ client: 'pg', connection: admin.toString(), pool: { min: 0, max: 1 } });
  if (!(await createFromTemplate(adminDb, name))) await adminDb.raw(`create database ${name}`);
  const url = new URL(admin.toString());
  url.pathname = `/${name}`;
  const db = createDb({ databaseUrl: url.toString(), poolMax: 12 });
  await migrateLatest(db);
  return {
    db,
    kind: 'postgres',
    url: url.toString(),
    async destroy() {
      await db.destroy();
      await adminDb.raw(`drop database if exists ${name} with (force)`);
      await adminDb.destroy();
    },
  };
}

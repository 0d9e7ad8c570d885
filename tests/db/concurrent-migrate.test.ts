import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import knexFactory from 'knex';
import { createDb, MIGRATIONS_DIR } from '../../src/db/knex';
import { migrateLatest } from '../../src/db/migrate';

// Two instances of a deployment starting at once on a fresh PostgreSQL database.
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

onPostgres('migrations when several instances start at once', () => {
  it('lets three concurrent migrations on a fresh database all succeed, applying each migration once', async () => {
    const admin = new URL(process.env.TEST_DATABASE_URL as string);
    const adminDb = knexFactory({ client: 'pg', connection: admin.toString(), pool: { min: 0, max: 1 } });
    const name = `colecta_test_migrate_${randomBytes(4).toString('hex')}`;
    await adminDb.raw(`create database ${name}`);
    const url = new URL(admin.toString());
    url.pathname = `/${name}`;
    const instances = [1, 2, 3].map(() => createDb({ databaseUrl: url.toString(), poolMax: 2 }));
    try {
      const results = await Promise.all(instances.map((db) => migrateLatest(db)));
      const expected = fs.readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{14}_[a-z0-9_]+\.ts$/.test(f)).sort();
      // One instance applied everything; the others waited, then found nothing left to do.
      expect(results.map((applied) => applied.length).sort((a, b) => a - b)).toEqual([0, 0, expected.length]);
      const rows = await (instances[0] as ReturnType<typeof createDb>)('knex_migrations').orderBy('id').pluck('name');
      expect(rows).toEqual(expected);
    } finally {
      for (const db of instances) await db.destroy();
      await adminDb.raw(`drop database if exists ${name} with (force)`);
      await adminDb.destroy();
    }
  }, 60_000);
});

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import { migrateLatest } from '../../src/db/migrate';

/**
 * Migrating once per run instead of once per test file: jest's global setup migrates one
 * database and every file starts from a copy of it, a PostgreSQL database created from it as
 * a template or a PGlite loaded from its dump. (A fresh PGlite spends ~4 s in initdb alone.)
 * Each file still gets a database of its own, and migrations still run from nothing, once.
 */
export const TEMPLATE_DB_ENV = 'COLECTA_TEST_TEMPLATE_DB';
export const PGLITE_DUMP_ENV = 'COLECTA_TEST_PGLITE_DUMP';

// knex-pglite is CommonJS and has no types; the same client createDb uses, over a given PGlite.
export function knexOverPglite(pglite: PGlite): Knex {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ClientPgLite = require('knex-pglite') as typeof Knex.Client;
  return knexFactory({ client: ClientPgLite, dialect: 'postgres', connection: { pglite } } as unknown as Knex.Config);
}

export function adminKnex(url: string): Knex {
  return knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
}

/** Migrates the run's template (PostgreSQL) or writes the migrated PGlite's dump; returns what to undo. */
export async function prepareTemplate(serverUrl: string | undefined): Promise<() => Promise<void>> {
  if (!serverUrl) {
    const pglite = await PGlite.create();
    const db = knexOverPglite(pglite);
    await migrateLatest(db);
    const dump = await pglite.dumpDataDir('none');
    const file = path.join(os.tmpdir(), `colecta-test-pgdata-${process.pid}-${randomBytes(4).toString('hex')}.tar`);
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await db.destroy();
    process.env[PGLITE_DUMP_ENV] = file;
    return async () => fs.rmSync(file, { force: true });
  }
  const name = `colecta_test_template_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = adminKnex(serverUrl);
  await admin.raw(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  // Two: migrateLatest holds one connection for its advisory lock while the migrations run on another.
  const db = knexFactory({ client: 'pg', connection: url.toString(), pool: { min: 0, max: 2 } });
  await migrateLatest(db);
  await db.destroy();
  process.env[TEMPLATE_DB_ENV] = name;
  return async () => {
    await admin.raw(`drop database if exists ${name} with (force)`);
    await admin.destroy();
  };
}

/** A copy of the run's migrated PGlite, or undefined when no global setup prepared one. */
export async function pgliteFromDump(): Promise<PGlite | undefined> {
  const file = process.env[PGLITE_DUMP_ENV];
  if (!file || !fs.existsSync(file)) return undefined;
  return PGlite.create({ loadDataDir: await fs.openAsBlob(file) });
}

/** `create database … template …`; PostgreSQL refuses while another copy is being made, so it waits its turn. */
export async function createFromTemplate(admin: Knex, name: string): Promise<boolean> {
  const template = process.env[TEMPLATE_DB_ENV];
  if (!template) return false;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await admin.raw(`create database ${name} template ${template}`);
      return true;
    } catch (error) {
      if (attempt >= 50 || !/being accessed by other users/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
}

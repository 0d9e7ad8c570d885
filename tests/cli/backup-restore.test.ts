import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { createDb } from '../../src/db/knex';
import { LOCK_FILE } from '../../src/db/embedded-owner';
import { migrateLatest } from '../../src/db/migrate';
import { ensureDemo } from '../../src/campaigns/demo-seed';
import { offlineGiftSchema, recordOfflineGift } from '../../src/ledger/offline-gift-service';
import type { Principal } from '../../src/staff/principal';
import { describeCli, runCli } from '../helpers/cli-suite';

const admin: Principal = { kind: 'token', role: 'admin', organizationId: null, tokenId: null, userId: null, label: 'test' };

function cliIn(env: Record<string, string>) {
  return (...args: string[]) => runCli(args, {
    env: { ...process.env, NODE_OPTIONS: '', STRIPE_SECRET_KEY: '', DATABASE_URL: '', ...env },
  });
}

/** Gifts with their supporters and receipts: what a backup must bring back row for row. */
async function fill(db: Knex): Promise<void> {
  for (const [i, amount] of [2500, 10_000, 777].entries()) {
    await recordOfflineGift(db, admin, offlineGiftSchema.parse({
      campaign: 'organizer-training', earmark: 'travel', amount, method: 'check', checkNumber: String(100 + i),
      supporter: { firstName: 'Ana', lastName: `Pérez ${i}`, email: `ana${i}@example.org` },
    }));
  }
}

async function snapshot(db: Knex) {
  return {
    ledger: await db('ledger_entries').orderBy('id').select(),
    supporters: await db('supporters').orderBy('id').select(),
    emails: await db('emails').orderBy('id').select(),
  };
}

describeCli('backup and restore of the embedded database', () => {
  it('round-trips ledger, supporters and emails row for row into a fresh data directory', async () => {
    const source = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-backup-'));
    const target = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-restore-'));
    const file = path.join(source, 'backups', 'colecta.sql');
    try {
      const db = createDb({ pgliteDir: path.join(source, 'pgdata') });
      await migrateLatest(db);
      await ensureDemo(db);
      await fill(db);
      const before = await snapshot(db);
      await db.destroy();
      expect(before.ledger).toHaveLength(3);
      expect(before.emails.length).toBeGreaterThan(0);

      expect((await cliIn({ DATA_DIR: source })('backup', '--out', file)).stdout).toMatch(/Backed up the embedded/);
      expect((await cliIn({ DATA_DIR: target })('restore', file)).stdout).toMatch(/Restored/);
      const restored = createDb({ pgliteDir: path.join(target, 'pgdata') });
      try {
        expect(await snapshot(restored)).toEqual(before);
      } finally {
        await restored.destroy();
      }
    } finally {
      fs.rmSync(source, { recursive: true, force: true });
      fs.rmSync(target, { recursive: true, force: true });
    }
  }, 400_000);

  it('refuses to open the files while a server holds them, and ignores the lock a crashed server left', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-owner-'));
    const holder = spawn('sleep', ['60']);
    try {
      fs.writeFileSync(path.join(dataDir, LOCK_FILE), `${holder.pid}\n`);
      // backup reads the files itself (the other commands would wait for the server's socket).
      await expect(cliIn({ DATA_DIR: dataDir })('backup', '--out', path.join(dataDir, 'b.sql')))
        .rejects.toMatchObject({ stderr: expect.stringMatching(new RegExp(`in use by the Colecta server \\(process ${holder.pid}\\)[\\s\\S]*Stop the server`)) });
      expect(fs.existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(false);
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
      // The same lock file, now naming a dead process: a crash must never block the next start.
      const { stdout } = await cliIn({ DATA_DIR: dataDir })('tokens:create', '--role', 'admin');
      expect(stdout.trim().split('\n').at(-1)).toMatch(/^clt_/);
    } finally {
      holder.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 400_000);
});

const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;
onPostgres('backup and restore of a PostgreSQL database', () => {
  it('round-trips ledger, supporters and emails row for row into a fresh database with pg_dump and pg_restore', async () => {
    const server = new URL(process.env.TEST_DATABASE_URL as string);
    const adminDb = knexFactory({ client: 'pg', connection: server.toString(), pool: { min: 0, max: 1 } });
    const names = [1, 2].map(() => `colecta_test_backup_${randomBytes(4).toString('hex')}`);
    for (const name of names) await adminDb.raw(`create database ${name}`);
    const urls = names.map((name) => Object.assign(new URL(server.toString()), { pathname: `/${name}` }).toString());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-pgbackup-'));
    const file = path.join(dir, 'colecta.dump');
    const env = (url: string) => ({ DATA_DIR: dir, DATABASE_URL: url, SESSION_SECRET: 'x'.repeat(32) });
    try {
      const db = createDb({ databaseUrl: urls[0] });
      await migrateLatest(db);
      await ensureDemo(db);
      await fill(db);
      const before = await snapshot(db);
      await db.destroy();

      expect((await cliIn(env(urls[0] as string))('backup', '--out', file)).stdout).toMatch(/Backed up the PostgreSQL/);
      await cliIn(env(urls[1] as string))('restore', file);
      const restored = createDb({ databaseUrl: urls[1] });
      try {
        expect(await snapshot(restored)).toEqual(before);
      } finally {
        await restored.destroy();
      }
    } finally {
      for (const name of names) await adminDb.raw(`drop database if exists ${name} with (force)`);
      await adminDb.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 400_000);
});

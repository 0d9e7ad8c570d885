import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { pgDump } from '@electric-sql/pglite-tools';
import { AppError } from '../lib/errors';

const run = promisify(execFile);

export interface BackupTarget {
  /** A postgres:// URL, or undefined for the embedded database in `pgliteDir`. */
  readonly databaseUrl: string | undefined;
  readonly pgliteDir: string;
}

async function tool(command: string, args: string[]): Promise<void> {
  try {
    await run(command, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new AppError(500, 'missing_tool', `${command} was not found: install the PostgreSQL client tools (version 15 or later)`);
    throw new AppError(500, 'backup_failed', `${command} failed: ${(e.stderr ?? e.message).trim()}`);
  }
}

/**
 * The whole database into one file: pg_dump's custom format for PostgreSQL; for the embedded
 * database, pg_dump's plain SQL, made inside PGlite (@electric-sql/pglite-tools). The caller makes sure no
 * server holds the embedded files.
 * For the embedded database: a plain SQL dump made by pg_dump running inside PGlite.
 */
export async function backupDatabase(target: BackupTarget, out: string): Promise<{ bytes: number; kind: string }> {
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  if (target.databaseUrl) {
    await tool('pg_dump', ['--format=custom', '--no-owner', '--file', out, '--dbname', target.databaseUrl]);
    return { bytes: fs.statSync(out).size, kind: 'PostgreSQL (pg_dump custom format)' };
  }
  if (!fs.existsSync(path.join(target.pgliteDir, 'PG_VERSION'))) {
    throw new AppError(404, 'no_database', `There is no embedded database in ${target.pgliteDir} to back up`);
  }
  const pg = await PGlite.create(target.pgliteDir);
  try {
    const dump = await pgDump({ pg, args: ['--no-owner', '--no-privileges'] });
    fs.writeFileSync(out, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await pg.close();
  }
  return { bytes: fs.statSync(out).size, kind: 'embedded (pg_dump SQL)' };
}

/**
 * Replaces the whole database with a backup. PostgreSQL: pg_restore --clean in one transaction.
 * Embedded: the current data directory is kept aside as pgdata.before-restore-<time>, then the
 * backup is loaded into a fresh one.
 */
export async function restoreDatabase(target: BackupTarget, file: string): Promise<{ keptAside: string | null }> {
  if (!fs.existsSync(file)) throw new AppError(404, 'no_backup', `No backup file at ${file}`);
  if (target.databaseUrl) {
    await tool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', '--dbname', target.databaseUrl, file]);
    return { keptAside: null };
  }
  let keptAside: string | null = null;
  if (fs.existsSync(target.pgliteDir)) {
    keptAside = `${target.pgliteDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(target.pgliteDir, keptAside);
  }
  fs.mkdirSync(target.pgliteDir, { recursive: true });
  const pg = await PGlite.create(target.pgliteDir);
  try {
    // The dump empties search_path for its own statements; one transaction, all or nothing.
    await pg.transaction(async (tx) => {
      await tx.exec(fs.readFileSync(file, 'utf8'));
    });
  } finally {
    await pg.close();
  }
  return { keptAside };
}

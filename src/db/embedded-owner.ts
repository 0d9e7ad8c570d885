import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite is one process's database: two processes writing its files lose data (a server killed
 * after the CLI wrote came back with none of its own commits). The server marks the data
 * directory as its own with a lock file naming its process id; the CLI refuses to open the files
 * while that process lives. A lock whose process is gone (a crash, kill -9) is stale and ignored,
 * so it never blocks a restart.
 */
export const LOCK_FILE = 'server.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process id of a live server holding the embedded database, or null. */
export function embeddedOwner(dataDir: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8');
  } catch {
    return null;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : null;
}

export class EmbeddedDatabaseBusy extends Error {
  constructor(readonly pid: number, dataDir: string) {
    super(`The embedded database in ${path.join(dataDir, 'pgdata')} is in use by the Colecta server (process ${pid}). `
      + 'Only one process may open it. Stop the server (Ctrl-C or kill ' + pid + '), run the command, then start the server again; '
      + 'or do it while the server runs through /admin (API tokens are also made at /admin/tokens).');
    this.name = 'EmbeddedDatabaseBusy';
  }
}

/** For the CLI: stops with a plain message while a server holds the files. */
export function assertEmbeddedFree(dataDir: string): void {
  const pid = embeddedOwner(dataDir);
  if (pid !== null) throw new EmbeddedDatabaseBusy(pid, dataDir);
}

/** For the server: takes the lock (replacing a stale one) and returns how to give it back. */
export function holdEmbedded(dataDir: string): () => void {
  assertEmbeddedFree(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  fs.writeFileSync(file, `${process.pid}\n`);
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file);
    } catch {
      // Already gone.
    }
  };
}

import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite is one process's database: two processes writing its files lose data (a server killed
 * after the CLI wrote came back with none of its own commits). The server marks the data
 * directory as its own with a lock file naming its process id, and, once it serves the database
 * on its socket, the socket's address on the second line; the CLI then connects there instead of
 * opening the files. A lock whose process is gone (a crash, kill -9) is stale and ignored, so it
 * never blocks a restart.
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

export interface EmbeddedOwner {
  readonly pid: number;
  /** The socket it serves the database on (a path, or host:port), once it is ready. */
  readonly address: string | null;
}

/** The live server holding the embedded database, or null. */
export function embeddedServer(dataDir: string): EmbeddedOwner | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8');
  } catch {
    return null;
  }
  const [first = '', second = ''] = text.split('\n');
  const pid = Number.parseInt(first.trim(), 10);
  if (!(Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))) return null;
  return { pid, address: second.trim() || null };
}

/** The process id of a live server holding the embedded database, or null. */
export function embeddedOwner(dataDir: string): number | null {
  return embeddedServer(dataDir)?.pid ?? null;
}

/** For the CLI: the live server's socket, waiting while it starts; null when no server runs. */
export async function embeddedSocket(dataDir: string, waitMs = 60_000): Promise<string | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const owner = embeddedServer(dataDir);
    if (!owner) return null;
    if (owner.address) return owner.address;
    if (Date.now() > deadline) {
      throw new EmbeddedDatabaseBusy(owner.pid, dataDir, 'it has not opened its socket yet; try again when it has started');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export class EmbeddedDatabaseBusy extends Error {
  constructor(readonly pid: number, dataDir: string, why = 'only one process may open it') {
    super(`The embedded database in ${path.join(dataDir, 'pgdata')} is in use by the Colecta server (process ${pid}): ${why}. `
      + 'Stop the server (Ctrl-C or kill ' + pid + '), run the command, then start the server again.');
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
  writeLock(file, `${process.pid}\n`);
  return release(file);
}

// Written aside and renamed, so a reader never sees the lock empty.
function writeLock(file: string, text: string): void {
  fs.writeFileSync(`${file}.${process.pid}`, text);
  fs.renameSync(`${file}.${process.pid}`, file);
}

/** For the server: names the socket it now serves the database on, for the CLI to find. */
export function announceSocket(dataDir: string, address: string): void {
  writeLock(path.join(dataDir, LOCK_FILE), `${process.pid}\n${address}\n`);
}

function release(file: string): () => void {
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8').split('\n')[0]?.trim() === String(process.pid)) fs.rmSync(file);
    } catch {
      // Already gone.
    }
  };
}

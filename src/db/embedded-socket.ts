import fs from 'node:fs';
import type { Server, Socket } from 'node:net';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import knexFactory, { type Knex } from 'knex';
import { SessionGate } from './session-gate';

/** The socket psql and the CLI reach: psql "host=$DATA_DIR" finds $DATA_DIR/.s.PGSQL.5432. */
export const SOCKET_PORT = 5432;
export const socketPath = (dataDir: string) => path.join(dataDir, `.s.PGSQL.${SOCKET_PORT}`);
// A Unix socket's path is at most 107 bytes; past that the server listens on 127.0.0.1.
const MAX_SOCKET_PATH = 100;

const KNEX = Symbol('knex');
const SOCKET = Symbol('socket');
// Frontend messages of the extended protocol before its Sync: the client's turn goes on.
const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

export interface ServedEmbedded {
  readonly db: Knex;
  /** Where clients connect: a Unix socket path, or host:port. */
  readonly address: string;
  stop(): Promise<void>;
}

// knex-pglite is CommonJS and has no types.
interface PgliteClientClass {
  new (config: Knex.Config): Knex.Client;
}

function gatedKnex(pglite: PGlite, gate: SessionGate): Knex {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ClientPgLite = require('knex-pglite') as PgliteClientClass;
  class GatedClient extends ClientPgLite {
    // The pool has one connection, so knex holds the gate at most once; it waits after the pool.
    override async acquireConnection(): Promise<unknown> {
      const connection: unknown = await super.acquireConnection();
      await gate.acquire(KNEX);
      return connection;
    }
    override async releaseConnection(connection: unknown): Promise<unknown> {
      gate.release(KNEX);
      return super.releaseConnection(connection);
    }
  }
  return knexFactory({ client: GatedClient, dialect: 'postgres', connection: { pglite } } as unknown as Knex.Config);
}

/** What the socket server sees of PGlite: every message waits for the socket's turn. */
function gatedView(pglite: PGlite, gate: SessionGate): PGlite {
  let lastType = 0;
  const endTurnIfDone = () => {
    if (!pglite.isInTransaction() && !EXTENDED.has(lastType)) gate.release(SOCKET);
  };
  return new Proxy(pglite, {
    get(target, prop) {
      if (prop === 'runExclusive') {
        return async <T>(fn: () => Promise<T>): Promise<T> => {
          await gate.acquire(SOCKET);
          try {
            return await target.runExclusive(fn);
          } finally {
            endTurnIfDone();
          }
        };
      }
      if (prop === 'execProtocolRawStream') {
        return (message: Uint8Array, options: Parameters<PGlite['execProtocolRawStream']>[1]) => {
          lastType = message[0] ?? 0;
          return target.execProtocolRawStream(message, options);
        };
      }
      // Only a transaction of the socket's own keeps its queue on one client.
      if (prop === 'isInTransaction') return () => gate.heldBy(SOCKET) && target.isInTransaction();
      if (prop === 'exec') {
        return async (sql: string) => {
          await gate.acquire(SOCKET);
          try {
            return await target.exec(sql);
          } finally {
            lastType = 0;
            endTurnIfDone();
          }
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Opens the embedded database once, for the server's knex and for a socket that psql and the CLI
 * use while the server runs. PGlite serves one socket connection at a time.
 */
export async function serveEmbedded(dataDir: string): Promise<ServedEmbedded> {
  const pgliteDir = path.join(dataDir, 'pgdata');
  fs.mkdirSync(pgliteDir, { recursive: true });
  const pglite = await PGlite.create(pgliteDir);
  const gate = new SessionGate();
  const db = gatedKnex(pglite, gate);

  const unixPath = socketPath(dataDir);
  const useUnix = unixPath.length <= MAX_SOCKET_PATH;
  // Only the owner gets here (the lock is held), so a socket file left is a dead server's.
  if (useUnix) fs.rmSync(unixPath, { force: true });
  const server = new PGLiteSocketServer({
    db: gatedView(pglite, gate),
    ...(useUnix ? { path: unixPath } : { host: '127.0.0.1', port: 0 }),
    maxConnections: 1,
  });
  await server.start();
  // A client gone mid-turn (killed between Parse and Sync, or inside a transaction) gives it back.
  const net = (server as unknown as { server: Server }).server;
  net.on('connection', (socket: Socket) => {
    socket.on('close', () => {
      if (!gate.heldBy(SOCKET)) return;
      void (pglite.isInTransaction() ? pglite.exec('ROLLBACK') : Promise.resolve())
        .catch(() => undefined)
        .finally(() => gate.release(SOCKET));
    });
  });
  const address = useUnix ? unixPath : server.getServerConn();
  return {
    db,
    address,
    async stop() {
      await server.stop();
      if (useUnix) fs.rmSync(unixPath, { force: true });
    },
  };
}

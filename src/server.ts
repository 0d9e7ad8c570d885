import type { Server } from 'node:http';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { buildContainer } from './container';
import { migrateLatest } from './db/migrate';
import { announceSocket, holdEmbedded } from './db/embedded-owner';
import { serveEmbedded } from './db/embedded-socket';
import { firstRunMessages } from './setup/first-run';

async function main(): Promise<void> {
  const config = loadConfig();
  // The embedded database's single owner: the CLI never opens the files while this lives; it
  // (and psql) connect to the socket named in the lock instead.
  const release = config.databaseUrl ? () => undefined : holdEmbedded(config.dataDir);
  process.on('exit', release);
  const served = config.databaseUrl ? null : await serveEmbedded(config.dataDir);
  const c = buildContainer(config, served ? { db: served.db } : {});
  await migrateLatest(c.db);
  for (const line of await firstRunMessages(c.db, { publicUrl: config.publicUrl, demoMode: config.demoMode })) console.log(line);
  if (config.demoMode) console.log('Demo mode: no STRIPE_SECRET_KEY is set, so no money can move.');
  if (served) {
    announceSocket(config.dataDir, served.address);
    c.logger.info({ socket: served.address }, 'the embedded database is served on a local socket');
  }

  const app = createApp(c);
  const server: Server = app.listen(config.port, () => {
    c.logger.info({ port: config.port, publicUrl: config.publicUrl }, 'Colecta is serving');
  });
  // RUN_WORKER=false: a web-only instance; the emails go out from `npm run worker`.
  if (config.runWorker) c.outbox.start();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    c.logger.info({ signal }, 'shutting down');
    server.close(() => {
      Promise.allSettled([c.webhooks.stop(), c.outbox.stop()]).finally(() => (served?.stop() ?? Promise.resolve())
        .finally(() => c.db.destroy().finally(() => process.exit(0))));
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});

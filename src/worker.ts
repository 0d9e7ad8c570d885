import { ConfigError, loadConfig } from './config';
import { buildContainer } from './container';
import { migrateLatest } from './db/migrate';

/**
 * `npm run worker`: the email worker alone, for deployments whose web instances run with
 * RUN_WORKER=false. Any number may run: each claims messages with FOR UPDATE SKIP LOCKED. Its
 * tick also takes queued webhook events that no web instance has processed (one stopped).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  // The embedded database has one owner, the server, which sends the email itself: a second
  // process opening the same files would lose writes.
  if (!config.databaseUrl) {
    throw new ConfigError(['DATABASE_URL: npm run worker needs PostgreSQL; on the embedded database the server sends the email itself']);
  }
  const c = buildContainer(config);
  await migrateLatest(c.db);
  c.outbox.start();
  c.logger.info('Colecta email worker is running');
  // The outbox's timer is unref'd; this keeps the process alive until it is told to stop.
  const alive = setInterval(() => undefined, 60_000);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    c.logger.info({ signal }, 'email worker shutting down');
    clearInterval(alive);
    Promise.allSettled([c.webhooks.stop(), c.outbox.stop()]).finally(() => c.db.destroy().finally(() => process.exit(0)));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});

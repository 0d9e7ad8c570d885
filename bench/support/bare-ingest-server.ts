/**
 * The baseline for webhook-ingest, run as its own process: the least an Express 5 service can
 * do with a webhook, which is parse the JSON and insert it, through the same knex and pg pool
 * (createDb's default of 10) as Colecta. Reads DATABASE_URL and PORT.
 */
import express from 'express';
import { createDb } from '../../src/db/knex';

const databaseUrl = process.env.DATABASE_URL;
const port = Number(process.env.PORT ?? 0);
if (!databaseUrl) throw new Error('DATABASE_URL is required');

const db = createDb({ databaseUrl });
const app = express();

app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});

app.post('/bare', express.json({ limit: '1mb' }), async (req, res) => {
  const event = req.body as { id?: unknown };
  await db('bench_bare').insert({ event_id: typeof event.id === 'string' ? event.id : null, payload: event });
  res.json({ received: true });
});

const server = app.listen(port, '127.0.0.1');
process.once('SIGTERM', () => {
  server.close(() => {
    db.destroy().finally(() => process.exit(0));
  });
  setTimeout(() => process.exit(1), 5000).unref();
});

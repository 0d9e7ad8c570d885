// Runs the real donation export, compiled (dist/, `npm run build`), into /dev/null in a process
// of its own under plain node, so its peak RSS is the export's and the runtime's alone, and
// prints one JSON line: { ms, cpuMs, bytes, maxRssKb }. Plain JavaScript on purpose: under tsx
// the TypeScript compiler would be a third of the process's memory.
// Env: DATABASE_URL, EXPORT_FROM, EXPORT_TO, EXPORT_BATCH (optional).
import fs from 'node:fs';
import { Writable } from 'node:stream';
import knexModule from '../../dist/src/db/knex.js';
import serviceModule from '../../dist/src/exports/donation-export-service.js';

const { createDb } = knexModule;
const { prepareDonationExport } = serviceModule;

async function main() {
  const db = createDb({ databaseUrl: process.env.DATABASE_URL, poolMax: 2 });
  const devNull = fs.createWriteStream('/dev/null');
  let bytes = 0;
  const counted = new Writable({
    write(chunk, _encoding, done) {
      bytes += chunk.length;
      devNull.write(chunk, done);
    },
  });
  try {
    const started = performance.now();
    const prepared = await prepareDonationExport(
      db, 'operator', { from: process.env.EXPORT_FROM ?? '', to: process.env.EXPORT_TO ?? '', bom: false },
      process.env.EXPORT_BATCH ? { batchSize: Number(process.env.EXPORT_BATCH) } : {},
    );
    await prepared.writeTo(counted);
    const ms = performance.now() - started;
    const usage = process.resourceUsage();
    const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
    process.stdout.write(`${JSON.stringify({ ms, cpuMs, bytes, maxRssKb: usage.maxRSS })}\n`);
  } finally {
    devNull.end();
    await db.destroy();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

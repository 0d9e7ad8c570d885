/**
 * Runs the real donation export into /dev/null in a process of its own, so its peak RSS is
 * the export's alone, and prints one JSON line: { ms, bytes, maxRssKb }.
 * Env: DATABASE_URL, EXPORT_FROM, EXPORT_TO, EXPORT_BATCH (optional).
 */
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { createDb } from '../../src/db/knex';
import { prepareDonationExport } from '../../src/exports/donation-export-service';

async function main(): Promise<void> {
  const db = createDb({ databaseUrl: process.env.DATABASE_URL, poolMax: 2 });
  const devNull = fs.createWriteStream('/dev/null');
  let bytes = 0;
  const counted = new Writable({
    write(chunk: Buffer, _encoding, done) {
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

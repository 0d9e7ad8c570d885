/**
 * The sponsor's donation export over 1,000,000 ledger entries on PostgreSQL: the real service
 * (PostgreSQL writes the CSV by COPY; into /dev/null) in a child process for its wall time and peak RSS, beside
 * psql's `\copy (the same select) to stdout csv` over the same rows, in the same run.
 */
import { spawn } from 'node:child_process';
import { createBenchDatabase } from './support/bench-database';
import { formatTable, type BenchContext, type Benchmark, type BenchmarkReport, positiveInt } from './support/benchmark';
import { spawnNode, tail } from './support/child-processes';
import { ensureCompiled } from './support/compiled';
import { fillExportLedger } from './support/export-ledger';
import { exportSqlText } from '../src/exports/donation-export-query';

const GOAL_RATIO = 1.5;
const GOAL_RSS_MB = 120;
const FROM = '2026-01-01';
const TO = '2026-12-31';

interface ChildResult { ms: number; cpuMs: number; bytes: number; maxRssKb: number }

async function runServiceExport(ctx: BenchContext, url: string, batch: number | null, range = { from: FROM, to: TO }): Promise<ChildResult> {
  const child = spawnNode('export', 'bench/support/export-child.mjs', {
    DATABASE_URL: url, EXPORT_FROM: range.from, EXPORT_TO: range.to, ...(batch ? { EXPORT_BATCH: String(batch) } : {}), NODE_ENV: 'production',
  });
  ctx.defer(() => child.stop());
  const code = await child.exited;
  const last = child.stdout.filter((line) => line.trim() !== '').pop();
  if (code !== 0 || !last) throw new Error(`export child exited with ${code}:\n${tail(child.stderr)}`);
  return JSON.parse(last) as ChildResult;
}

/** psql's \copy of the same select into a pipe we only count; the time includes psql's start. */
function runCopy(url: string, sql: string): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const psql = spawn('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy (${sql.replace(/\s+/g, ' ')}) to stdout csv header`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let bytes = 0;
    let stderr = '';
    psql.stdout.on('data', (chunk: Buffer) => { bytes += chunk.length; });
    psql.stderr.on('data', (chunk: Buffer) => { stderr += String(chunk); });
    psql.once('error', reject);
    psql.once('close', (code) => {
      if (code === 0) resolve({ ms: performance.now() - started, bytes });
      else reject(new Error(`psql exited with ${code}: ${stderr}`));
    });
  });
}

async function run(ctx: BenchContext): Promise<BenchmarkReport> {
  const entries = positiveInt('BENCH_EXPORT_ENTRIES', 1_000_000);
  const rounds = positiveInt('BENCH_EXPORT_ROUNDS', 2);
  ensureCompiled();
  ctx.progress('creating and migrating the bench database');
  const bench = await createBenchDatabase();
  ctx.defer(() => bench.drop());
  const postgres = (await bench.db.raw('show server_version')).rows[0]?.server_version ?? '?';
  const batch = process.env.BENCH_EXPORT_BATCH ? positiveInt('BENCH_EXPORT_BATCH', 1000) : null;
  ctx.progress(`filling ${entries} ledger entries`);
  const fillStarted = performance.now();
  await fillExportLedger(bench.db, entries);
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  const sql = exportSqlText(bench.db, { from: FROM, to: TO, organizationId: null, campaignId: null });

  // Alternated, best of each, so a neighbour's burst on the shared CPUs does not decide the ratio.
  const services: ChildResult[] = [];
  const copies: { ms: number; bytes: number }[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    ctx.progress(`round ${round}/${rounds}: psql \\copy`);
    copies.push(await runCopy(bench.url, sql));
    ctx.progress(`round ${round}/${rounds}: service export`);
    services.push(await runServiceExport(ctx, bench.url, batch));
  }
  // The same process exporting a day with no entries: what the runtime itself holds.
  const idle = await runServiceExport(ctx, bench.url, null, { from: '2025-01-01', to: '2025-01-01' });
  const service = services.reduce((a, b) => (b.ms < a.ms ? b : a));
  const copy = copies.reduce((a, b) => (b.ms < a.ms ? b : a));
  const peakRssMb = Math.max(...services.map((s) => s.maxRssKb)) / 1024;
  const ratio = service.ms / copy.ms;

  const problems: string[] = [];
  const rows = (await bench.db('ledger_entries').count<{ n: number }>('* as n').first())?.n ?? 0;
  if (Number(rows) !== entries) problems.push(`ledger has ${rows} entries, expected ${entries}`);
  // Same rows, different quoting and amount formats: the sizes must be close, or the two did not read the same.
  if (Math.abs(service.bytes - copy.bytes) / copy.bytes > 0.25) problems.push(`service wrote ${service.bytes} bytes, COPY ${copy.bytes}`);

  const secs = (ms: number) => (ms / 1000).toFixed(2);
  const text = [
    `${entries} ledger entries (filled in ${fillSeconds.toFixed(0)} s), PostgreSQL ${postgres}, best of ${rounds} alternated rounds`,
    '',
    formatTable(['', 'seconds', 'MB written', 'peak RSS MB'], [
      ['service export (PostgreSQL COPY, CSV, /dev/null)', secs(service.ms), (service.bytes / 1e6).toFixed(1), peakRssMb.toFixed(0)],
      ['psql \\copy (same select) to stdout csv', secs(copy.ms), (copy.bytes / 1e6).toFixed(1), '-'],
    ]),
    '',
    `rounds (service s / copy s = ratio): ${services.map((s, i) => `${secs(s.ms)} / ${secs(copies[i]?.ms ?? NaN)} = ${(s.ms / (copies[i]?.ms ?? NaN)).toFixed(2)}x`).join('; ')}`,
    `service CPU (user+sys) in the best round: ${secs(service.cpuMs)} s`,
    `service/COPY time: ${ratio.toFixed(2)}x (goal <= ${GOAL_RATIO}x: ${ratio <= GOAL_RATIO ? 'met' : 'not met'})`,
    `peak RSS: ${peakRssMb.toFixed(0)} MB, highest of all rounds (goal < ${GOAL_RSS_MB} MB: ${peakRssMb < GOAL_RSS_MB ? 'met' : 'not met'}); ` +
      `the same process exporting an empty day: ${(idle.maxRssKb / 1024).toFixed(0)} MB`,
  ].join('\n');
  return { text, problems };
}

export const benchmark: Benchmark = {
  name: 'export',
  description: 'the donation CSV export of 1,000,000 ledger entries against psql \\copy of the same select',
  run,
};

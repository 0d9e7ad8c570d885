/**
 * How fast the server starts and how much memory it holds, compiled (`node dist/src/server.js`,
 * what `npm start` and the Docker image run) beside the TypeScript sources under tsx, on the
 * embedded default and on PostgreSQL: time from spawn to the first healthy /healthz, resident
 * memory (the whole process tree: tsx runs the server in a child) when idle, and after 1,000
 * requests to the donation form.
 *   BENCH_STARTUP_REQUESTS (default 1000), BENCH_DATABASE_URL (see support/bench-database.ts)
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBenchDatabase } from './support/bench-database';
import { formatTable, positiveInt, type BenchContext, type Benchmark } from './support/benchmark';
import { delay, freePort, REPO_ROOT, tail } from './support/child-processes';

const FORM = '/donate/organizer-training';
const CONCURRENCY = 4;

interface Figures { readyMs: number; idleRssMb: number; loadedRssMb: number; failures: number }

function treeRssKb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    let kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    for (const child of children ? children.split(/\s+/) : []) kb += treeRssKb(Number(child));
    return kb;
  } catch {
    return 0;
  }
}

async function startAndMeasure(ctx: BenchContext, label: string, command: readonly string[], env: NodeJS.ProcessEnv, requests: number): Promise<Figures> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(command[0] as string, command.slice(1), {
    cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'warn' },
  });
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const pid = child.pid as number;
  let exited = false;
  child.once('close', () => { exited = true; });
  const stop = async () => {
    if (exited) return;
    try { process.kill(-pid, 'SIGTERM'); } catch { /* gone */ }
    for (let i = 0; i < 100 && !exited; i++) await delay(50);
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
  };
  ctx.defer(stop);
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (exited) throw new Error(`${label} exited before it was healthy:\n${tail(stderr.join('').split('\n'))}`);
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (process.hrtime.bigint() - started > 120_000_000_000n) throw new Error(`${label} not healthy after 120 s`);
    await delay(10);
  }
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  await delay(2000);
  const idleRssMb = treeRssKb(pid) / 1024;
  ctx.progress(`${label}: healthy after ${readyMs.toFixed(0)} ms; ${requests} requests to ${FORM}`);
  let next = 0;
  let failures = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < requests) {
      next += 1;
      const res = await fetch(base + FORM).catch(() => null);
      if (!res || res.status !== 200) failures += 1;
      await res?.arrayBuffer();
    }
  }));
  const loadedRssMb = treeRssKb(pid) / 1024;
  await stop();
  return { readyMs, idleRssMb, loadedRssMb, failures };
}

const NODE = process.execPath;
const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
const COMPILED = [NODE, 'dist/src/server.js'];
const SOURCES = [TSX, 'src/server.ts'];

export const benchmark: Benchmark = {
  name: 'startup',
  description: 'compiled server against tsx: time to the first healthy /healthz, RSS idle and after requests to the form',
  async run(ctx) {
    const requests = positiveInt('BENCH_STARTUP_REQUESTS', 1000);
    ctx.progress('building dist/ (npm run build)');
    execFileSync(NODE, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const rows: string[][] = [];
    const problems: string[] = [];
    const record = (label: string, f: Figures) => {
      rows.push([label, f.readyMs.toFixed(0), f.idleRssMb.toFixed(1), f.loadedRssMb.toFixed(1)]);
      if (f.failures > 0) problems.push(`${label}: ${f.failures} of ${requests} form requests failed`);
    };

    // Embedded: a data directory made by a first, unmeasured start (initdb, migrations, the
    // demo), so each measured start opens an existing database as a restart would.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-bench-startup-'));
    ctx.defer(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const embedded = { DATA_DIR: dataDir };
    ctx.progress('preparing the embedded database');
    await startAndMeasure(ctx, 'first start', COMPILED, embedded, 1);
    record('compiled, embedded PGlite', await startAndMeasure(ctx, 'compiled, embedded', COMPILED, embedded, requests));
    record('tsx, embedded PGlite', await startAndMeasure(ctx, 'tsx, embedded', SOURCES, embedded, requests));

    ctx.progress('creating a PostgreSQL database');
    const database = await createBenchDatabase();
    ctx.defer(() => database.drop());
    await database.db.destroy();
    const postgres = { DATABASE_URL: database.url, SESSION_SECRET: randomBytes(32).toString('hex'), DATA_DIR: dataDir };
    record('compiled, PostgreSQL', await startAndMeasure(ctx, 'compiled, PostgreSQL', COMPILED, postgres, requests));
    record('tsx, PostgreSQL', await startAndMeasure(ctx, 'tsx, PostgreSQL', SOURCES, postgres, requests));

    const text = formatTable(['server', 'spawn to healthy (ms)', 'RSS idle (MB)', `RSS after ${requests} forms (MB)`], rows);
    return { text, problems };
  },
};

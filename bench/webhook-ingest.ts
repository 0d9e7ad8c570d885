/**
 * How many signed invoice.paid events per second Colecta turns into ledger entries, next to a
 * bare Express route that only inserts each body, on the same PostgreSQL and the same machine.
 * The service, the baseline and the load generator each run in their own process; Stripe's API
 * is a local fake, so the figure is Colecta's own work plus two loopback API calls per event.
 * Rounds alternate (BENCH_ROUNDS, default 2): an empty campaign, the prefilled one, a new empty
 * campaign, the prefilled one again; each campaign's figures are its best round's.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import {
  checkLedger, countRows, createBareTable, createBenchDatabase, eventErrors, seedPendingMonthlyDonations, type BenchDatabase,
} from './support/bench-database';
import { formatTable, type BenchContext, type Benchmark, type BenchmarkReport, positiveInt } from './support/benchmark';
import { freePort, spawnNode, spawnTsx, tail, waitForOk, type TsxChild } from './support/child-processes';
import { compiledPath, ensureCompiled } from './support/compiled';
import { startFakeStripe } from './support/fake-stripe';
import type { LoadPlan, LoadResult } from './support/ingest-load';
import { loadLedger } from './support/totals-ledger';
import { DEMO_CAMPAIGN_SLUG } from '../src/campaigns/demo-seed';

const WEBHOOK_SECRET = 'whsec_bench';
const GOAL_PERCENT = 40;
/** The second run's campaign holds this many entries before its first event (0 skips that run). */
const PREFILL = Number(process.env.BENCH_PREFILL_ENTRIES ?? 1_000_000);
/** Rounds of each campaign, alternated; each rate is its best round's (the machine's noise is 10 to 20%). */
const ROUNDS = positiveInt('BENCH_ROUNDS', 2);

interface Settings {
  readonly events: number;
  readonly concurrency: number;
  readonly warmup: number;
}

function readSettings(): Settings {
  const events = positiveInt('BENCH_EVENTS', 4000);
  const concurrency = positiveInt('BENCH_CONCURRENCY', 32);
  return { events, concurrency, warmup: positiveInt('BENCH_WARMUP', Math.min(200, events)) };
}

/** CPU use over the whole load (warm-up included), in % of one core. */
interface CpuShares {
  readonly serverPercent: number | null;
  /** This process, which during the service run does nothing but answer as fake Stripe. */
  readonly benchPercent: number;
}

async function withCpuShares<T>(server: TsxChild, work: () => Promise<T>): Promise<[T, CpuShares]> {
  const serverBefore = server.cpuSeconds();
  const benchBefore = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const serverAfter = server.cpuSeconds();
  const bench = process.cpuUsage(benchBefore);
  return [result, {
    serverPercent: serverBefore === null || serverAfter === null ? null : ((serverAfter - serverBefore) / seconds) * 100,
    benchPercent: ((bench.user + bench.system) / 1e6 / seconds) * 100,
  }];
}

async function runLoadGenerator(ctx: BenchContext, plan: LoadPlan): Promise<LoadResult> {
  const load = spawnTsx('load generator', 'bench/support/ingest-load.ts', {}, JSON.stringify(plan));
  ctx.defer(() => load.stop());
  const code = await load.exited;
  const last = load.stdout.filter((line) => line.trim() !== '').pop();
  if (code !== 0 || !last) throw new Error(`load generator exited with ${code}:\n${tail(load.stderr)}`);
  return JSON.parse(last) as LoadResult;
}

/** A .ts script runs under tsx; a compiled .js file (the service, from dist/) under plain node. */
async function startChild(ctx: BenchContext, name: string, script: string, env: NodeJS.ProcessEnv): Promise<TsxChild> {
  const child = script.endsWith('.js') ? spawnNode(name, script, env) : spawnTsx(name, script, env);
  ctx.defer(() => child.stop());
  await waitForOk(`http://127.0.0.1:${env.PORT}/healthz`, child);
  return child;
}

/** Warnings and errors the service logged (pino JSON on stdout, anything on stderr), by message. */
function loggedProblems(child: TsxChild): { count: number; top: string[] } {
  const counts = new Map<string, number>();
  for (const line of [...child.stdout, ...child.stderr]) {
    if (line.trim() === '') continue;
    let key: string;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { type?: string; message?: string } };
      key = `[${entry.level ?? '?'}] ${entry.msg ?? ''}${entry.err ? `: ${entry.err.type ?? ''} ${entry.err.message ?? ''}` : ''}`;
    } catch {
      key = line.slice(0, 200);
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  return { count: sorted.reduce((sum, [, n]) => sum + n, 0), top: sorted.slice(0, 5).map(([k, n]) => `${n} × ${k}`) };
}

/** What PostgreSQL wrote and read: the whole server's WAL (its pages written whole after a
 * checkpoint among it), and the blocks the bench database had to read from outside its buffers. */
interface DatabaseWork { readonly walBytes: number; readonly fullPages: number; readonly blocksRead: number }

async function databaseWork(bench: BenchDatabase): Promise<DatabaseWork> {
  const { rows } = await bench.db.raw(`select (select wal_bytes from pg_stat_wal)::float8 as wal_bytes,
      (select wal_fpi from pg_stat_wal)::float8 as full_pages,
      (select blks_read from pg_stat_database where datname = current_database())::float8 as blocks_read`);
  const row = rows[0] as { wal_bytes: number; full_pages: number; blocks_read: number };
  return { walBytes: Number(row.wal_bytes), fullPages: Number(row.full_pages), blocksRead: Number(row.blocks_read) };
}

async function runService(ctx: BenchContext, bench: BenchDatabase, plan: Omit<LoadPlan, 'url'>) {
  const stripe = await startFakeStripe(plan);
  ctx.defer(() => stripe.close());
  const port = await freePort();
  ctx.progress(`starting the service on port ${port} (fake Stripe at ${stripe.url})`);
  const server = await startChild(ctx, 'colecta', compiledPath('src/server.js'), {
    DATABASE_URL: bench.url,
    SESSION_SECRET: `bench-session-${randomBytes(24).toString('hex')}`,
    STRIPE_SECRET_KEY: 'sk_test_bench',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_BASE: stripe.url,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  });
  ctx.progress(`posting ${plan.warmupDonationIds.length} + ${plan.donationIds.length} invoice.paid events at concurrency ${plan.concurrency}`);
  const before = await databaseWork(bench);
  const [result, cpu] = await withCpuShares(server, () =>
    runLoadGenerator(ctx, { ...plan, url: `http://127.0.0.1:${port}/webhooks/stripe`, queueDatabaseUrl: bench.url }));
  const after = await databaseWork(bench);
  const perEvent = (k: keyof DatabaseWork) => (after[k] - before[k]) / (plan.warmupDonationIds.length + plan.donationIds.length);
  // Stopped before the baseline runs, so the two never share the machine's CPUs.
  await server.stop();
  await stripe.close();
  const work = { walKb: perEvent('walBytes') / 1024, fullPages: perEvent('fullPages'), blocksRead: perEvent('blocksRead') };
  return { result, cpu, work, stripeRequests: new Map(stripe.requests), logged: loggedProblems(server) };
}

/** A new, empty campaign like the demo one (its earmarks too), for a later round's "empty" run. */
async function copyOfDemoCampaign(bench: BenchDatabase, slug: string): Promise<string> {
  await bench.db.raw(`insert into campaigns (organization_id, slug, title_en, title_es, currency, goal, status)
    select organization_id, ?, title_en, title_es, currency, goal, status from campaigns where slug = ?`, [slug, DEMO_CAMPAIGN_SLUG]);
  await bench.db.raw(`insert into earmarks (campaign_id, code, label_en, label_es, goal, position)
    select (select id from campaigns where slug = ?), code, label_en, label_es, goal, position
    from earmarks where campaign_id = (select id from campaigns where slug = ?)`, [slug, DEMO_CAMPAIGN_SLUG]);
  return slug;
}

async function runBare(ctx: BenchContext, bench: BenchDatabase, plan: Omit<LoadPlan, 'url'>): Promise<[LoadResult, CpuShares]> {
  const port = await freePort();
  ctx.progress(`starting the bare Express route on port ${port}`);
  const bare = await startChild(ctx, 'bare route', 'bench/support/bare-ingest-server.ts', {
    DATABASE_URL: bench.url, PORT: String(port), NODE_ENV: 'production',
  });
  ctx.progress(`posting the same number of events to POST /bare`);
  const measured = await withCpuShares(bare, () => runLoadGenerator(ctx, { ...plan, url: `http://127.0.0.1:${port}/bare` }));
  await bare.stop();
  return measured;
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);
const workLine = (name: string, w: { walKb: number; fullPages: number; blocksRead: number }) =>
  `PostgreSQL per event, ${name} (warm-up included): ${fixed(w.walKb)} kB of WAL, ${fixed(w.fullPages, 2)} pages written whole, ` +
  `${fixed(w.blocksRead, 2)} blocks read from outside its buffers`;
const percent = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)}%`);
const row = (name: string, r: LoadResult) => [
  name, fixed(r.eventsPerSecond), fixed(r.p50Ms), fixed(r.p99Ms), fixed(r.maxMs), String(r.non2xx),
  r.processedPerSecond === null ? '' : fixed(r.processedPerSecond), r.processedPerSecond === null ? '' : String(r.queued),
];
const bestProcessed = (rounds: ReadonlyArray<{ service: { result: LoadResult } }>) =>
  Math.max(...rounds.map((r) => r.service.result.processedPerSecond ?? 0));
const spreadOf = (a: number | null, b: number | null) =>
  (a === null || b === null ? 'n/a' : `${fixed((Math.abs(b - a) / a) * 100)}% apart`);
/** Processed events/s as a share of the bare route's answered events/s. */
const processedShare = (r: LoadResult, bare: LoadResult) =>
  r.processedPerSecond === null ? 'n/a' : `${fixed((r.processedPerSecond / bare.eventsPerSecond) * 100)}%`;

async function run(ctx: BenchContext): Promise<BenchmarkReport> {
  const settings = readSettings();
  ensureCompiled();
  ctx.progress('creating and migrating the bench database');
  const bench = await createBenchDatabase();
  ctx.defer(() => bench.drop());
  const postgres = (await bench.db.raw('show server_version')).rows[0]?.server_version ?? '?';

  ctx.progress(`seeding ${settings.warmup + settings.events} pending monthly donations`);
  const donationIds = await seedPendingMonthlyDonations(bench.db, settings.warmup + settings.events);
  const warmupIds = donationIds.slice(0, settings.warmup);
  const measuredIds = donationIds.slice(settings.warmup);
  await createBareTable(bench.db);

  const plan = {
    webhookSecret: WEBHOOK_SECRET, concurrency: settings.concurrency, warmupDonationIds: warmupIds, donationIds: measuredIds,
  };
  /** One service run on a plan's donations, with the ledger's check of exactly those. */
  const measure = async (p: typeof plan) => {
    const measured = await runService(ctx, bench, { ...p, runTag: randomBytes(4).toString('hex') });
    return { service: measured, ledger: await checkLedger(bench.db, p.donationIds), errors: await eventErrors(bench.db) };
  };
  const planFor = async (slug: string, tag: string) => {
    const ids = await seedPendingMonthlyDonations(bench.db, settings.warmup + settings.events, slug, tag);
    return { ...plan, warmupDonationIds: ids.slice(0, settings.warmup), donationIds: ids.slice(settings.warmup) };
  };
  const emptyRounds = [await measure(plan)];

  // The same load on a campaign that already holds PREFILL entries: a gift must cost the same.
  const bigRounds: Array<Awaited<ReturnType<typeof measure>>> = [];
  let loadSeconds = 0;
  if (PREFILL > 0) {
    ctx.progress(`prefilling one campaign with ${PREFILL} ledger entries (generate_series)`);
    const started = performance.now();
    const org = await bench.db('organizations').first('id');
    await loadLedger(bench.db, org.id, 1, PREFILL);
    // The load leaves gigabytes of dirty pages: written now, not by a checkpoint during the measured run.
    await bench.db.raw('checkpoint');
    loadSeconds = (performance.now() - started) / 1000;
    bigRounds.push(await measure(await planFor('bench-1', 'big-')));
  }
  // More rounds, alternated: a new empty campaign (the database now as big as the prefilled run's),
  // then the prefilled campaign again. Each rate is its best round's, as in the export benchmark.
  for (let round = 2; round <= ROUNDS; round += 1) {
    const slug = await copyOfDemoCampaign(bench, `bench-empty-${round}`);
    emptyRounds.push(await measure(await planFor(slug, `empty-${round}-`)));
    if (PREFILL > 0) bigRounds.push(await measure(await planFor('bench-1', `big-${round}-`)));
  }
  const bestOf = (rounds: typeof emptyRounds) =>
    rounds.reduce((a, b) => (b.service.result.eventsPerSecond > a.service.result.eventsPerSecond ? b : a));
  const { service, ledger } = bestOf(emptyRounds);
  const big = bigRounds.length > 0 ? { ...bestOf(bigRounds), loadSeconds } : null;
  const allRounds = [...emptyRounds.map((r, i) => ({ r, name: `empty ${i + 1}` })), ...bigRounds.map((r, i) => ({ r, name: `prefilled ${i + 1}` }))];
  const [bare, bareCpu] = await runBare(ctx, bench, { ...plan, runTag: randomBytes(4).toString('hex') });
  const bareRows = await countRows(bench.db, 'bench_bare');

  const total = settings.warmup + settings.events;
  const ratio = (service.result.eventsPerSecond / bare.eventsPerSecond) * 100;
  const stripeCalls = [...service.stripeRequests.values()].reduce((a, b) => a + b, 0);
  const problems: string[] = [];
  for (const { r, name } of allRounds) {
    if (r.ledger.measuredPayments !== settings.events) {
      problems.push(`${name}: ledger has ${r.ledger.measuredPayments} payment entries for the ${settings.events} measured events`);
    }
    const answers = r.service.result;
    if (answers.non2xx + answers.warmupNon2xx > 0) problems.push(`${name}: ${answers.non2xx} non-2xx answers measured, ${answers.warmupNon2xx} in warm-up`);
    if (answers.processedSeconds === null) problems.push(`${name}: the queue did not empty within five minutes`);
  }
  if (bare.non2xx + bare.warmupNon2xx > 0) problems.push(`bare route: ${bare.non2xx} non-2xx answers measured, ${bare.warmupNon2xx} in warm-up`);
  if (bareRows !== total) problems.push(`bench_bare has ${bareRows} rows, expected ${total}`);
  const bigRatio = big ? (big.service.result.eventsPerSecond / bare.eventsPerSecond) * 100 : null;
  const spread = big ? (Math.abs(big.service.result.eventsPerSecond - service.result.eventsPerSecond) / service.result.eventsPerSecond) * 100 : null;

  const lines = [
    `${settings.events} signed invoice.paid events (+${settings.warmup} warm-up), concurrency ${settings.concurrency}, ` +
      `${service.result.meanBodyBytes}-byte bodies; ${os.cpus().length} CPUs shared by PostgreSQL ${postgres}, server and load generator`,
    '',
    formatTable(['', 'answered/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'processed/s', 'queued'], [
      ...emptyRounds.map((r, i) => row(`service, empty campaign, round ${i + 1}`, r.service.result)),
      ...bigRounds.map((r, i) => row(`service, campaign of ${PREFILL.toLocaleString('en-US')} entries, round ${i + 1}`, r.service.result)),
      row('bare Express POST /bare', bare),
    ]),
    `the figures below take each campaign's best round by answered/s (${ROUNDS} alternated round${ROUNDS === 1 ? '' : 's'}); ` +
      `processed/s, best of its rounds: empty ${fixed(bestProcessed(emptyRounds))}` +
      (bigRounds.length > 0 ? `, prefilled ${fixed(bestProcessed(bigRounds))} (${spreadOf(bestProcessed(emptyRounds), bestProcessed(bigRounds))})` : ''),
    '',
    'answered/s: events Stripe got its 2xx for; processed/s: the same events until the last is in the ledger;',
    "queued: answered at once and processed after the answer (a burst beyond the service's processing slots)",
    `service/bare answered events/s: ${fixed(ratio)}% (goal >= ${GOAL_PERCENT}%: ${ratio >= GOAL_PERCENT ? 'met' : 'not met'}); ` +
      `processed: ${processedShare(service.result, bare)} of the bare route's rate`,
    ...(big && bigRatio !== null && spread !== null ? [
      `prefilled campaign/bare answered events/s: ${fixed(bigRatio)}% (goal >= ${GOAL_PERCENT}%: ${bigRatio >= GOAL_PERCENT ? 'met' : 'not met'}); ` +
        `processed: ${processedShare(big.service.result, bare)}; ` +
        `empty vs prefilled differ by ${fixed(spread)}% (goal <= 10%: ${spread <= 10 ? 'met' : 'not met'}); prefill loaded in ${fixed(big.loadSeconds)} s`,
      `processed events/s, empty vs prefilled: ${spreadOf(service.result.processedPerSecond, big.service.result.processedPerSecond)}`,
      `prefilled ledger, best round: ${big.ledger.measuredPayments} payment entries for the ${settings.events} measured events ` +
        `(every round is checked the same way)`,
    ] : []),
    `ledger, best empty round: ${ledger.measuredPayments} payment entries for the ${settings.events} measured events; ` +
      `the whole database then: ${ledger.allPayments} payment entries, stripe_events processed ${ledger.eventsProcessed}, ` +
      `with an error ${ledger.eventsWithError}; donations active ${ledger.donationsActive}`,
    `bare route: ${bareRows} rows in bench_bare`,
    ...allRounds.map(({ r, name }) => workLine(name, r.service.work)),
    `fake Stripe: ${stripeCalls} requests (${fixed(stripeCalls / total, 2)} per event): ` +
      [...service.stripeRequests].map(([k, n]) => `${k} ${n}`).join(', '),
    `CPU, % of one core: server ${percent(service.cpu.serverPercent)} (service run), ${percent(bareCpu.serverPercent)} (bare run); ` +
      `load generator ${percent(service.result.clientCpuPercent)}, ${percent(bare.clientCpuPercent)}; ` +
      `fake Stripe ${percent(service.cpu.benchPercent)} (service run)`,
  ];
  for (const { r, name } of allRounds) {
    const { logged } = r.service;
    if (logged.count > 0) lines.push(`${name}: service logged ${logged.count} warnings/errors:`, ...logged.top.map((l) => `  ${l}`));
  }
  // stripe_events is the whole database's: the last round's list holds every round's errors.
  for (const e of allRounds.at(-1)?.r.errors ?? []) lines.push(`  stripe_events.last_error ${e.n} × ${e.error}`);
  for (const sample of [...service.result.sampleErrors, ...bare.sampleErrors]) lines.push(`  answer: ${sample}`);
  return { text: lines.join('\n'), problems };
}

export const benchmark: Benchmark = {
  name: 'webhook-ingest',
  description: 'signed invoice.paid webhooks into the ledger, against a bare Express insert',
  run,
};

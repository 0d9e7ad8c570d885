/**
 * `npm run bench [-- name…]`: runs every benchmark in bench/ (each *.ts here exporting
 * `benchmark`) one after another and prints its figures on stdout; progress goes to stderr.
 * Exits 1 when a benchmark could not finish or reports that its figures cannot be trusted;
 * timings themselves never fail a run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CleanupStack, type Benchmark } from './support/benchmark';

async function findBenchmarks(): Promise<Benchmark[]> {
  const files = fs.readdirSync(__dirname).filter((name) => name.endsWith('.ts') && name !== 'run.ts').sort();
  const found: Benchmark[] = [];
  for (const file of files) {
    const module = (await import(path.join(__dirname, file))) as { benchmark?: Benchmark };
    if (module.benchmark) found.push(module.benchmark);
  }
  return found;
}

const progress = (line: string) => process.stderr.write(`  … ${line}\n`);
const describe = (error: unknown) => (error instanceof Error ? error.stack ?? error.message : String(error));

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const benchmarks = (await findBenchmarks()).filter((b) => wanted.length === 0 || wanted.includes(b.name));
  if (benchmarks.length === 0) throw new Error(`no benchmark named ${wanted.join(', ')}`);

  let cleanup = new CleanupStack();
  let interrupted = false;
  // `on`, not `once`: tsx relays the signal a second time when its child is slow to confirm it,
  // and a signal with no listener left would end this process before the cleanup finishes.
  const interrupt = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: cleaning up\n`);
    cleanup.run((error) => process.stderr.write(`cleanup: ${describe(error)}\n`)).finally(() => process.exit(130));
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  for (const benchmark of benchmarks) {
    cleanup = new CleanupStack();
    process.stdout.write(`\n## ${benchmark.name}: ${benchmark.description}\n`);
    const started = Date.now();
    try {
      const report = await benchmark.run({ progress, defer: (step) => cleanup.defer(step) });
      process.stdout.write(`${report.text}\n`);
      for (const problem of report.problems) process.stdout.write(`PROBLEM: ${problem}\n`);
      if (report.problems.length > 0) process.exitCode = 1;
    } catch (error) {
      // An interrupt's cleanup kills the children under the benchmark; that is no failure to report.
      if (interrupted) await new Promise(() => undefined);
      process.stdout.write(`FAILED: ${describe(error)}\n`);
      process.exitCode = 1;
    } finally {
      await cleanup.run((error) => process.stderr.write(`cleanup: ${describe(error)}\n`));
    }
    process.stdout.write(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${describe(error)}\n`);
  process.exit(1);
});

/** What bench/run.ts finds in each bench/*.ts: a named run that returns its figures. */
export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(context: BenchContext): Promise<BenchmarkReport>;
}

export interface BenchmarkReport {
  /** The figures, ready to print. */
  readonly text: string;
  /** Anything that makes the figures untrustworthy (lost events, a short ledger); never a timing. */
  readonly problems: readonly string[];
}

/** A plain text table, first column left-aligned and the rest right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export interface BenchContext {
  /** A progress line for the person waiting (stderr); figures belong in the report. */
  progress(line: string): void;
  /** Registers a step run after the benchmark, last registered first, even when it fails or is interrupted. */
  defer(step: () => Promise<void> | void): void;
}

export class CleanupStack {
  private readonly steps: (() => Promise<void> | void)[] = [];

  defer(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  async run(onError: (error: unknown) => void): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step();
      } catch (error) {
        onError(error);
      }
    }
  }
}

/** A size or count from the environment (e.g. BENCH_LEDGER_ENTRIES), else the default. */
export function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

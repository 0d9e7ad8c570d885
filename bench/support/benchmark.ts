/** What bench/run.ts finds in each bench/*.ts: a named run that returns its figures. */
export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(progress: (line: string) => void): Promise<BenchmarkReport>;
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

/** What books:check compares: figures recomputed from the ledger beside the same figures from a report. */
export interface Figure {
  readonly label: string;
  /** null for a count. */
  readonly currency: string | null;
  /** From the ledger, recomputed here. */
  readonly ledger: number;
  /** From the report being checked. */
  readonly report: number;
}

export interface Comparison {
  readonly name: string;
  readonly figures: Figure[];
  readonly ok: boolean;
}

export interface BooksCheckReport {
  readonly from: string;
  readonly to: string;
  readonly comparisons: Comparison[];
  readonly ok: boolean;
}

export function comparison(name: string, currency: string | null, pairs: Array<[label: string, ledger: number, report: number, count?: boolean]>): Comparison {
  const figures = pairs.map(([label, ledger, report, count]) => ({ label, currency: count ? null : currency, ledger, report }));
  return { name, figures, ok: figures.every((f) => f.ledger === f.report) };
}


import fs from 'node:fs';
import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { toDecimalString } from '../lib/money';
import { checkBooks } from './books-check';
import type { BooksCheckReport, Figure } from './books-check-types';
import type { BooksService } from './books-service';
import { statementRequestSchema } from './statement-service';

type Values = Record<string, string | boolean | undefined>;

function parseOptions<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new AppError(422, 'invalid_request', parsed.error.issues.map((i) => `--${i.path.join('.')} ${i.message}`).join('\n'));
  }
  return parsed.data;
}

const statementOptions = statementRequestSchema.extend({
  format: z.enum(['csv', 'pdf']).default('csv'),
  lang: z.enum(['en', 'es']).default('en'),
});

/** `npm run cli -- statement --organization slug --month YYYY-MM [--format csv|pdf] [--lang es] [--out file]` */
export async function statementCommand(books: BooksService, values: Values): Promise<void> {
  const options = parseOptions(statementOptions, {
    organization: values.organization, month: values.month, format: values.format, lang: values.lang,
  });
  const file = options.format === 'pdf'
    ? await books.statementPdf('operator', options)
    : await books.statementCsv('operator', options);
  if (typeof values.out === 'string') {
    fs.writeFileSync(values.out, file.body);
    console.error(`Wrote ${values.out}`);
  } else {
    process.stdout.write(file.body);
  }
}

const rangeOptions = z.object({
  from: z.iso.date('must be a date as YYYY-MM-DD'),
  to: z.iso.date('must be a date as YYYY-MM-DD'),
}).refine((r) => r.from <= r.to, { path: ['to'], message: 'must not be before from' });

const shown = (f: Figure, n: number) => (f.currency ? toDecimalString(n, f.currency) : String(n));

/** One line per comparison: ok or DIFFERENT, each figure as ledger = report (or ≠ with the difference). */
export function formatReport(report: BooksCheckReport): string[] {
  const lines = [`Books from ${report.from} to ${report.to}: every figure recomputed from the ledger (left) against the report (right)`];
  for (const c of report.comparisons) {
    const figures = c.figures.map((f) => (f.ledger === f.report
      ? `${f.label} ${shown(f, f.ledger)} = ${shown(f, f.report)}`
      : `${f.label} ${shown(f, f.ledger)} ≠ ${shown(f, f.report)} (off by ${shown(f, f.report - f.ledger)})`));
    lines.push(`${c.ok ? 'ok       ' : 'DIFFERENT'}  ${c.name}: ${figures.join('; ')}`);
  }
  const different = report.comparisons.filter((c) => !c.ok).length;
  lines.push(different === 0
    ? `All ${report.comparisons.length} comparisons agree to the cent.`
    : `${different} of ${report.comparisons.length} comparisons differ.`);
  return lines;
}

/** `npm run cli -- books:check --from YYYY-MM-DD --to YYYY-MM-DD`: exits 1 on any difference. */
export async function booksCheckCommand(deps: { db: Knex; books: BooksService }, values: Values): Promise<void> {
  const range = parseOptions(rangeOptions, { from: values.from, to: values.to });
  const report = await checkBooks(deps, range);
  for (const line of formatReport(report)) console.log(line);
  if (!report.ok) throw new AppError(1, 'books_differ', 'books:check found differences (see the DIFFERENT lines above)');
}

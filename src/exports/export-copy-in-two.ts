import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import { CsvLineEnds } from './csv-line-ends';
import { middleEntryId, openExportCsv, type ExportScope } from './donation-export-query';

export interface ExportRecords {
  /** The CSV records, each ended CRLF, no header. */
  readonly stream: Readable;
  /** Records written so far. */
  count(): number;
}

/**
 * The export's CSV records from PostgreSQL's COPY. A scope of many entries is written by two
 * COPYs at once, one per half of its entry ids: the formatting in SQL keeps a backend busy for
 * the whole export, and two backends use two cores. The first half streams to the reader; the
 * second is written to a temporary file meanwhile, then follows. The file holds half the export
 * at most and is deleted at the end, or when the reader hangs up (which also ends both COPYs).
 */
export async function openExportRecords(db: Knex, scope: ExportScope, minimumSpan?: number): Promise<ExportRecords> {
  const middle = await middleEntryId(db, scope, minimumSpan);
  if (middle === null) {
    const lineEnds = new CsvLineEnds();
    const copy = await openExportCsv(db, scope);
    return { stream: chain(copy, lineEnds), count: () => lineEnds.records };
  }
  const first = await openExportCsv(db, scope, { atMost: middle });
  let second: Readable;
  try {
    second = await openExportCsv(db, scope, { above: middle });
  } catch (error) {
    first.destroy();
    throw error;
  }
  const firstEnds = new CsvLineEnds();
  const secondEnds = new CsvLineEnds();
  return {
    stream: firstThenSecond(chain(first, firstEnds), chain(second, secondEnds)),
    count: () => firstEnds.records + secondEnds.records,
  };
}

/** source → transform, as one readable; destroying it destroys the source (ending its COPY). */
function chain(source: Readable, transform: CsvLineEnds): Readable {
  source.once('error', (error) => transform.destroy(error));
  transform.once('close', () => source.destroy());
  return source.pipe(transform);
}

function firstThenSecond(first: Readable, second: Readable): Readable {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-export-'));
  const file = path.join(dir, 'second-half.csv');
  const spilled = pipeline(second, fs.createWriteStream(file));
  spilled.catch(() => undefined); // awaited below; a failure before then is the output's error
  const out = new PassThrough();
  let cleaned = false;
  const cleanUp = () => {
    if (cleaned) return;
    cleaned = true;
    first.destroy();
    second.destroy();
    fs.rm(dir, { recursive: true, force: true }, () => undefined);
  };
  out.once('close', cleanUp);
  (async () => {
    await pipeline(first, out, { end: false });
    await spilled;
    await pipeline(fs.createReadStream(file), out);
  })().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error)))).finally(cleanUp);
  return out;
}

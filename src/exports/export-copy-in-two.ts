import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import { middleEntryId, openExportCsv, type ExportScope } from './donation-export-query';

/**
 * The export's CSV records from two COPYs at once, one per half of the scope's entry ids: the
 * formatting in SQL keeps a PostgreSQL backend busy for the whole export, and two backends use
 * two cores. The first half streams to the reader; the second is written to a temporary file
 * meanwhile, then follows. The file holds half the export at most and is deleted at the end, or
 * when the reader hangs up (which also ends both COPYs).
 */
export async function openExportCsvInTwo(db: Knex, scope: ExportScope, minimumSpan?: number): Promise<Readable> {
  const middle = await middleEntryId(db, scope, minimumSpan);
  if (middle === null) return openExportCsv(db, scope);
  const first = await openExportCsv(db, scope, { atMost: middle });
  let second: Readable;
  try {
    second = await openExportCsv(db, scope, { above: middle });
  } catch (error) {
    first.destroy();
    throw error;
  }
  return firstThenSecond(first, second);
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

import { Transform } from 'node:stream';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const CHUNK_BYTES = 64 * 1024;

/**
 * PostgreSQL's COPY ends CSV records with LF; the export's contract is CRLF (RFC 4180, and what
 * spreadsheets expect). This writes CR before each LF that ends a record, leaving the LFs inside
 * quoted fields alone, and counts the records. Quotes inside a quoted field come doubled, so
 * toggling at each quote tracks whether a byte is inside one. Output goes in chunks of about
 * 64 kB, as COPY sends about a record per message and a write per record costs a system call.
 */
export class CsvLineEnds extends Transform {
  records = 0;
  private quoted = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  private keep(part: Buffer): void {
    if (part.length === 0) return;
    this.pending.push(part);
    this.pendingBytes += part.length;
  }

  private takePending(): Buffer {
    const out = this.pending.length === 1 ? this.pending[0] as Buffer : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return out;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    // First the record-ending LFs' offsets, then one copy with a CR before each: one buffer per
    // chunk, not a slice per record (a million small objects are what grew the process's heap).
    const ends: number[] = [];
    let at = 0;
    // The next quote at or after `at`, found once and kept while records without one go by
    // (-1: none left in the chunk); searched afresh per record it scanned the rest of the chunk.
    let open = -2;
    while (at < chunk.length) {
      if (this.quoted) {
        const close = chunk.indexOf(QUOTE, at);
        if (close < 0) break;
        this.quoted = false;
        at = close + 1;
        continue;
      }
      const lf = chunk.indexOf(LF, at);
      if (open !== -1 && open < at) open = chunk.indexOf(QUOTE, at);
      if (open >= 0 && (lf < 0 || open < lf)) {
        this.quoted = true;
        at = open + 1;
        continue;
      }
      if (lf < 0) break;
      ends.push(lf);
      at = lf + 1;
    }
    this.records += ends.length;
    this.keep(ends.length === 0 ? chunk : withCrs(chunk, ends));
    if (this.pendingBytes >= CHUNK_BYTES) this.push(this.takePending());
    done();
  }

  override _flush(done: (error?: Error | null, data?: Buffer) => void): void {
    done(null, this.pendingBytes > 0 ? this.takePending() : undefined);
  }
}

/** The chunk with a CR written before each of the LFs at `ends` (ascending offsets). */
function withCrs(chunk: Buffer, ends: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(chunk.length + ends.length);
  let from = 0;
  let to = 0;
  for (const lf of ends) {
    to += chunk.copy(out, to, from, lf);
    out[to++] = CR;
    out[to++] = LF;
    from = lf + 1;
  }
  chunk.copy(out, to, from);
  return out;
}

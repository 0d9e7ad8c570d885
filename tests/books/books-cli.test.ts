import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../src/db/knex';
import { buildBooksWorld } from '../factories/books-world';
import { describeCli, runCli } from '../helpers/cli-suite';


describeCli('npm run cli -- books:check and statement', () => {
  it('prints every comparison and exits 0 on agreeing books, exits 1 naming a payout one cent off, and prints a statement', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-cli-'));
    const env = { ...process.env, DATA_DIR: dataDir, NODE_OPTIONS: '', DATABASE_URL: '', STRIPE_SECRET_KEY: '', SMTP_URL: '' };
    const cli = (...args: string[]) => runCli(args, { env });
    try {
      await cli('migrate');
      const open = () => createDb({ pgliteDir: path.join(dataDir, 'pgdata') });
      let db = open();
      const world = await buildBooksWorld(db, 7, 30);
      await db.destroy();

      const good = await cli('books:check', '--from', world.from, '--to', world.to);
      expect(good.stdout).toMatch(/^ok +donation export vs ledger, USD: rows \d+ = \d+; gross [\d.]+ = [\d.]+/m);
      expect(good.stdout).toMatch(/^ok +payout po_/m);
      expect(good.stdout).toMatch(/All \d+ comparisons agree to the cent\.\n$/);

      db = open();
      await db('payouts').where({ id: world.payoutIds[0] }).increment('amount', 1);
      await db.destroy();
      const bad = await cli('books:check', '--from', world.from, '--to', world.to).then(() => null, (e: { code: number; stdout: string; stderr: string }) => e);
      expect(bad?.code).toBe(1);
      expect(bad?.stdout).toMatch(new RegExp(`^DIFFERENT  payout ${world.payoutIds[0]} .*\\(off by 0\\.01\\)`, 'm'));
      expect(bad?.stdout).toMatch(/1 of \d+ comparisons differ\./);
      expect(bad?.stderr).toContain('books:check found differences');

      await expect(cli('books:check', '--from', '2026-11-30', '--to', '2026-11-01')).rejects.toMatchObject({ stderr: expect.stringContaining('--to must not be before from') });
      const statement = await cli('statement', '--organization', world.orgs[0]?.slug as string, '--month', '2026-10');
      expect(statement.stdout.split('\r\n')[0]).toBe('organization,month,time_zone,currency,section,earmark,source,gifts,gross,refunds,disputes,processor_fees,sponsor_fee,net_to_organization');
      expect(statement.stdout).toMatch(/,total,,,\d+,/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});

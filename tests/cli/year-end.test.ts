import { describeCli, runCli } from '../helpers/cli-suite';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { createDb } from '../../src/db/knex';
import { recordLedgerEntryAlone } from '../../src/ledger/ledger-service';


describeCli('npm run cli -- year-end', () => {
  it('queues and sends one summary per supporter with gifts that year, prints how many, and queues nothing on a second run', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-cli-'));
    const env = { ...process.env, DATA_DIR: dataDir, NODE_OPTIONS: '', DATABASE_URL: '', STRIPE_SECRET_KEY: '', SMTP_URL: '' };
    const cli = (...args: string[]) => runCli(args, { env });
    try {
      await cli('demo');
      const db = createDb({ pgliteDir: path.join(dataDir, 'pgdata') });
      try {
        const campaign = await db('campaigns').where({ slug: 'organizer-training' }).first('id', 'organization_id');
        const earmark = await db('earmarks').where({ campaign_id: campaign.id, code: 'general' }).first('id');
        const [supporter] = await db('supporters').insert({
          organization_id: campaign.organization_id, email: 'check@example.org', first_name: 'Rosa', last_name: 'Díaz', locale: 'es',
        }).returning('id');
        await recordLedgerEntryAlone({ db }, {
          kind: 'offline', organizationId: campaign.organization_id, campaignId: campaign.id, earmarkId: earmark.id,
          supporterId: supporter.id, donationId: null, gross: 5000, fee: 0, currency: 'usd',
          occurredAt: new Date('2026-06-15T18:00:00Z'), paymentMethod: 'check', checkNumber: '1042',
        });
      } finally {
        await db.destroy();
      }

      const first = await cli('year-end', '--year', '2026');
      expect(first.stdout).toContain('Queued 1 year-end summaries for 2026');
      expect(first.stdout).toContain('Emails sent: 2, to retry: 0, failed: 0'); // the check's receipt and the summary
      const second = await cli('year-end', '--year', '2026');
      expect(second.stdout).toContain('Queued 0 year-end summaries for 2026 (1 were already queued)');
      await expect(cli('year-end', '--year', 'soon')).rejects.toMatchObject({ stderr: expect.stringMatching(/--year must be a year/) });

      const outbox = path.join(dataDir, 'outbox');
      const messages = await Promise.all(fs.readdirSync(outbox).sort().map(async (f) => simpleParser(fs.readFileSync(path.join(outbox, f)))));
      expect(messages.map((m) => m.subject)).toEqual([
        expect.stringMatching(/^Su recibo 2026-\d{6} de Demo Immigrant Rights Network$/),
        'Resumen de sus donaciones de 2026 a Demo Immigrant Rights Network',
      ]);
      expect(messages[0]?.text).toContain('Número de cheque: 1042');
      expect(messages[1]?.text).toMatch(/2026-\d{6} {2}15 de junio de 2026 {2}Capacitación de organizadores 2027: Donde más se necesite {2}\$50\.00/);
      expect(messages[1]?.text).toContain('Total (USD): $50.00');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});

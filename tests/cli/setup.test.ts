import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../src/db/knex';
import { describeCli, runCli } from '../helpers/cli-suite';


const FLAGS = [
  '--sponsor-name', 'Cascadia Fiscal Sponsor', '--ein', '91-7654321', '--sponsor-address', '1 Pike St, Seattle, WA 98101',
  '--organization', 'Seattle Network', '--organization-slug', 'seattle-network', '--time-zone', 'America/Los_Angeles',
  '--admin-email', 'Lead@Example.org',
];

describeCli('npm run cli -- setup', () => {
  it('names bad flags and stores nothing, then sets up the sponsor, organization and admin once, printing the sign-in link', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-cli-'));
    const env = { ...process.env, DATA_DIR: dataDir, NODE_OPTIONS: '', DATABASE_URL: '', STRIPE_SECRET_KEY: '', PUBLIC_URL: 'https://give.example' };
    const cli = (...args: string[]) => runCli(args, { env });
    try {
      const bad = FLAGS.map((f) => (f === '91-7654321' ? '917654321' : f === 'America/Los_Angeles' ? 'Pacific Time' : f));
      await expect(cli('setup', ...bad)).rejects.toMatchObject({
        stderr: expect.stringMatching(/sponsor\.ein: must be an EIN[\s\S]*organization\.timeZone: must be an IANA time zone/),
      });
      const { stdout } = await cli('setup', ...FLAGS);
      const link = stdout.trim().split('\n').at(-1) ?? '';
      expect(link).toMatch(/^https:\/\/give\.example\/admin\/reset\?token=[\w-]{43}$/);
      expect(stdout).toContain('lead@example.org');
      await expect(cli('setup', ...FLAGS)).rejects.toMatchObject({ stderr: expect.stringMatching(/already has its sponsor/) });

      const db = createDb({ pgliteDir: path.join(dataDir, 'pgdata') });
      try {
        expect(await db('sponsor').select('legal_name', 'ein', 'contact_email')).toEqual([
          { legal_name: 'Cascadia Fiscal Sponsor', ein: '91-7654321', contact_email: 'lead@example.org' }]);
        expect(await db('organizations').pluck('slug')).toEqual(['seattle-network']);
        expect(await db('staff_users').select('email', 'role')).toEqual([{ email: 'lead@example.org', role: 'admin' }]);
        expect(JSON.stringify(await db('password_reset_tokens').select('*'))).not.toContain(link.split('token=')[1]);
      } finally {
        await db.destroy();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

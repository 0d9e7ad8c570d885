import { describeCli, runCli } from '../helpers/cli-suite';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../src/db/knex';


describeCli('npm run cli -- tokens:create, demo and purge', () => {
  it('creates the demo once, prints a token alone on the last line, and stores only its hash', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-cli-'));
    const env = { ...process.env, DATA_DIR: dataDir, NODE_OPTIONS: '', DATABASE_URL: '', STRIPE_SECRET_KEY: '' };
    const cli = (...args: string[]) => runCli(args, { env });
    try {
      expect((await cli('demo')).stdout).toMatch(/created/);
      expect((await cli('demo')).stdout).toMatch(/already exist/);
      expect((await cli('purge', '--dry-run')).stdout).toMatch(/Would erase 0 supporter\(s\)/);
      const { stdout } = await cli('tokens:create', '--role', 'staff', '--organization', 'demo-network', '--label', 'ci');
      const token = stdout.trim().split('\n').at(-1) ?? '';
      expect(token).toMatch(/^clt_[A-Za-z0-9_-]{43}$/);
      await expect(cli('tokens:create', '--role', 'admin', '--expires-days', '0'))
        .rejects.toMatchObject({ stderr: expect.stringMatching(/--expires-days must be/) });
      await expect(cli('tokens:create', '--role', 'owner')).rejects.toMatchObject({ stderr: expect.stringMatching(/--role must be/) });

      const db = createDb({ pgliteDir: path.join(dataDir, 'pgdata') });
      try {
        const rows = await db('api_tokens').select('token_hash', 'role', 'label');
        expect(rows).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex'), role: 'staff', label: 'ci' }]);
        const { expires_at: expiresAt } = await db('api_tokens').first('expires_at');
        const days = (new Date(expiresAt).getTime() - Date.now()) / 86_400_000;
        expect(days).toBeGreaterThan(89);
        expect(days).toBeLessThanOrEqual(90);
        expect(JSON.stringify(rows)).not.toContain(token);
      } finally {
        await db.destroy();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

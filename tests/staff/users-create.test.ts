import { describeCli, runCli } from '../helpers/cli-suite';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb } from '../../src/db/knex';


describeCli('npm run cli -- users:create', () => {
  it('creates a user with no password yet and prints a single-use link whose hash alone is stored', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-users-'));
    const env = { ...process.env, DATA_DIR: dataDir, NODE_OPTIONS: '', DATABASE_URL: '', STRIPE_SECRET_KEY: '', PUBLIC_URL: 'https://give.example.org' };
    const cli = (...args: string[]) => runCli(args, { env });
    try {
      await cli('demo');
      const { stdout } = await cli('users:create', '--email', 'Organizer@Example.org', '--role', 'staff', '--organization', 'demo-network');
      const link = stdout.trim().split('\n').at(-1) ?? '';
      expect(link).toMatch(/^https:\/\/give\.example\.org\/admin\/reset\?token=[\w-]{43}$/);
      await expect(cli('users:create', '--email', 'x@example.org', '--role', 'staff'))
        .rejects.toMatchObject({ stderr: expect.stringMatching(/--organization/) });

      const db = createDb({ pgliteDir: path.join(dataDir, 'pgdata') });
      try {
        const user = await db('staff_users').first('email', 'role', 'password_hash', 'id');
        expect(user).toMatchObject({ email: 'organizer@example.org', role: 'staff', password_hash: null });
        const token = new URL(link).searchParams.get('token') ?? '';
        const reset = await db('password_reset_tokens').where({ user_id: user.id }).first('id', 'expires_at', 'used_at');
        expect(reset.id).toBe(createHash('sha256').update(token).digest('hex'));
        expect(reset.used_at).toBeNull();
        expect(new Date(reset.expires_at).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
      } finally {
        await db.destroy();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});

import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../bench/support/child-processes';
import { describeCli } from '../helpers/cli-suite';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');


// What `npm start` runs (scripts/run.mjs, building dist/ first when it is stale), then the
// TypeScript CLI on the same embedded database: the compiled code must find its views,
// emails, locales, static files and migrations, and record migrations as the sources do.
describeCli('the compiled server (npm start)', () => {
  it('builds when needed, migrates, serves the form in both languages, the staff pages and the assets', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-compiled-'));
    const port = await freePort();
    const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), NODE_OPTIONS: '', DATABASE_URL: '', STRIPE_SECRET_KEY: '', LOG_LEVEL: 'warn' };
    const server = spawn(process.execPath, ['scripts/run.mjs', 'server'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout.on('data', (chunk) => { output += chunk; });
    server.stderr.on('data', (chunk) => { output += chunk; });
    const exited = new Promise((resolve) => server.once('close', resolve));
    const base = `http://127.0.0.1:${port}`;
    try {
      for (let waited = 0; ; waited += 200) {
        if (server.exitCode !== null) throw new Error(`the server exited:\n${output}`);
        if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
        if (waited > 150_000) throw new Error(`not healthy after 150 s:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(fs.existsSync(path.join(root, 'dist/src/server.js'))).toBe(true);
      expect(output).toContain(`/donate/organizer-training`);

      const en = await fetch(`${base}/donate/organizer-training?lang=en`);
      expect([en.status, await en.text()]).toEqual([200, expect.stringContaining('<form')]);
      const es = await (await fetch(`${base}/donate/organizer-training?lang=es`)).text();
      expect(es).toMatch(/lang="es"/);
      expect(es).toMatch(/Donar|donación/i);
      const signIn = await fetch(`${base}/admin/sign-in`);
      expect([signIn.status, await signIn.text()]).toEqual([200, expect.stringContaining('<form')]);
      const embed = await fetch(`${base}/embed.js`);
      expect([embed.status, (await embed.text()).length > 100]).toEqual([200, true]);
    } finally {
      server.kill('SIGTERM');
      await exited;
    }
    try {
      const { stdout } = await run(path.join(root, 'node_modules/.bin/tsx'), ['src/cli.ts', 'migrate'], { cwd: root, env });
      expect(stdout).toContain('Already up to date');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});

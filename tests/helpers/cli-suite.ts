import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The command-line tests start the real CLI on an embedded PGlite database of their own,
 * whatever TEST_DATABASE_URL says, so a second pass on PostgreSQL would repeat them to the
 * letter: they run in the PGlite pass (`npm test` without TEST_DATABASE_URL) only.
 */
export const describeCli: jest.Describe = process.env.TEST_DATABASE_URL ? describe.skip : describe;

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

/**
 * `npm run cli -- <args>` as an operator runs it: scripts/run.mjs starting the compiled CLI in
 * dist/, which the global setup builds once before the tests when it is stale (so two test files
 * never build at the same moment). Half a second quicker a call than the sources under tsx.
 */
export function runCli(args: readonly string[], options: { env: NodeJS.ProcessEnv; maxBuffer?: number }) {
  return run(process.execPath, ['scripts/run.mjs', 'cli', ...args], { cwd: root, ...options });
}

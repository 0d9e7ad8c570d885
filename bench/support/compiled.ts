/**
 * The benchmarks measure the program as it runs in production: compiled JavaScript in dist/
 * under plain node, not the TypeScript sources under tsx (whose compiler alone held about
 * 100 MB of the export's peak RSS and a share of the server's CPU). `ensureCompiled()`
 * builds dist/ first when it is missing or older than any source, as `npm start` does.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './child-processes';

const DIST = path.join(REPO_ROOT, 'dist');

/**
 * Builds dist/ unless it is up to date: `node scripts/build.mjs --if-stale`, whose check is the
 * one `npm start` makes, and which says so on stderr when it builds. In a child, because jest's
 * transform turns an import() of the .mjs into a require().
 */
export function ensureCompiled(): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build.mjs'), '--if-stale'], { cwd: REPO_ROOT, stdio: ['ignore', 2, 2] });
}

/** A compiled file's path under dist/, e.g. compiledPath('src/server.js'). */
export function compiledPath(relative: string): string {
  return path.join(DIST, relative);
}

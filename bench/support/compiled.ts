/**
 * The benchmarks measure the program as it runs in production: compiled JavaScript in dist/
 * under plain node, not the TypeScript sources under tsx (whose compiler alone held about
 * 100 MB of the export's peak RSS and a share of the server's CPU). `ensureCompiled()`
 * builds dist/ first when it is missing or older than any source, as `npm start` does.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './child-processes';

const DIST = path.join(REPO_ROOT, 'dist');
const STAMP = path.join(DIST, '.built');
const BUILD_INPUTS = ['src', 'webhooks', 'migrations', 'emails', 'locales', 'public', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestTime(file: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(file)) newest = Math.max(newest, newestTime(path.join(file, name)));
  return newest;
}

function isStale(): boolean {
  if (!fs.existsSync(STAMP)) return true;
  const built = fs.statSync(STAMP).mtimeMs;
  return BUILD_INPUTS.some((input) => newestTime(path.join(REPO_ROOT, input)) > built);
}

/** Builds dist/ (scripts/build.mjs, the same as `npm run build`) unless it is up to date. */
export function ensureCompiled(progress: (line: string) => void): void {
  if (!isStale()) return;
  progress('building dist/ (npm run build): the compiled program is what runs');
  // In a child, as `npm run build` runs it: jest's transform would turn an import() of the .mjs into a require().
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build.mjs')], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** A compiled file's path under dist/, e.g. compiledPath('src/server.js'). */
export function compiledPath(relative: string): string {
  return path.join(DIST, relative);
}

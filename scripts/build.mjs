// `npm run build`: compiles src/, webhooks/ and migrations/ to dist/ with tsc, then copies
// what the compiled code reads at run time beside it, found by directory, so a new view,
// email or locale is picked up without naming it here:
//   every file under src/ that is not TypeScript (the Handlebars views) -> dist/src/…
//   emails/, locales/, public/                                          -> dist/…
// dist/ is emptied first, so a source file deleted since the last build leaves nothing behind.
//   node scripts/build.mjs [--if-stale]   (--if-stale: only when dist/ is older than a source)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
export const STAMP = path.join(DIST, '.built');
/** Everything a build reads; `npm start` rebuilds when any of it is newer than the stamp. */
export const BUILD_INPUTS = ['src', 'webhooks', 'migrations', 'emails', 'locales', 'public', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestTime(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file changes its directory's time
  for (const name of fs.readdirSync(file)) newest = Math.max(newest, newestTime(path.join(file, name)));
  return newest;
}

/** Whether dist/ is missing or older than anything a build reads (a walk over file times). */
export function isStale() {
  if (!fs.existsSync(STAMP)) return true;
  const built = fs.statSync(STAMP).mtimeMs;
  return BUILD_INPUTS.some((input) => newestTime(path.join(ROOT, input)) > built);
}

function copyTree(from, to, keep) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target, keep);
    else if (keep(entry.name)) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, target);
    }
  }
}

export function build() {
  fs.rmSync(DIST, { recursive: true, force: true });
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit', cwd: ROOT });
  copyTree(path.join(ROOT, 'src'), path.join(DIST, 'src'), (name) => !name.endsWith('.ts'));
  for (const dir of ['emails', 'locales', 'public']) copyTree(path.join(ROOT, dir), path.join(DIST, dir), () => true);
  fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  if (!ifStale || isStale()) {
    if (ifStale) console.error('Building to dist/ (sources changed since the last build)…');
    build();
    console.log('Built to dist/');
  }
}

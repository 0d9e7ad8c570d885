// `npm start` and `npm run cli`: runs the compiled server or CLI with plain node, building
// first when dist/ is missing or older than any source, so a fresh clone starts with
// `npm install && npm start`. The check is a walk over file times (a few lines); a build
// tool such as make, or `tsc --build`'s own up-to-date check, would either add a dependency
// or miss the views, emails and locales that are copied rather than compiled.
//   node scripts/run.mjs server|cli|worker [args…]
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, DIST, isStale, ROOT, STAMP } from './build.mjs';

const [entry, ...args] = process.argv.slice(2);
if (entry !== 'server' && entry !== 'cli' && entry !== 'worker') {
  console.error('usage: node scripts/run.mjs server|cli|worker [args…]');
  process.exit(2);
}
if (isStale()) {
  // Without the sources and TypeScript (a production image) there is nothing to rebuild from.
  if (!fs.existsSync(path.join(ROOT, 'node_modules', 'typescript')) || !fs.existsSync(path.join(ROOT, 'src'))) {
    if (!fs.existsSync(STAMP)) {
      console.error('dist/ is missing and cannot be built here: run `npm run build` where the dev dependencies are installed');
      process.exit(1);
    }
  } else {
    console.error('Building to dist/ (sources changed since the last build)…');
    build();
  }
}
const compiled = path.join(DIST, 'src', `${entry}.js`);
// The compiled program reads its own arguments as if started as `node dist/src/<entry>.js …`.
process.argv = [process.argv[0], compiled, ...args];
await import(pathToFileURL(compiled).href);

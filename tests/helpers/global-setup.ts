import chromium from '@sparticuz/chromium';
import { ensureCompiled } from '../../bench/support/compiled';
import { prepareTemplate } from './test-db-template';

declare global {
  var colectaTestTeardown: (() => Promise<void>) | undefined;
}

/** Once per jest run, before any worker starts. */
export default async function globalSetup(): Promise<void> {
  // Unpacked here, once: two workers unpacking at the same moment would each see the other's
  // half-written binary as already there.
  if (!process.env.CHROMIUM_PATH) await chromium.executablePath();
  // The command-line tests (the PGlite pass) run the compiled program, as `npm run cli` and
  // `npm start` do: dist/ is built here, once, when it is stale, rather than by two of them at once.
  if (!process.env.TEST_DATABASE_URL) ensureCompiled();
  globalThis.colectaTestTeardown = await prepareTemplate(process.env.TEST_DATABASE_URL);
}

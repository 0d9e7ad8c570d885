import chromium from '@sparticuz/chromium';
import { prepareTemplate } from './test-db-template';

declare global {
  var colectaTestTeardown: (() => Promise<void>) | undefined;
}

/** Once per jest run, before any worker starts. */
export default async function globalSetup(): Promise<void> {
  // Unpacked here, once: two workers unpacking at the same moment would each see the other's
  // half-written binary as already there.
  if (!process.env.CHROMIUM_PATH) await chromium.executablePath();
  globalThis.colectaTestTeardown = await prepareTemplate(process.env.TEST_DATABASE_URL);
}

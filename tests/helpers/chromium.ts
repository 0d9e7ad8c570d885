import chromium from '@sparticuz/chromium';

/**
 * The browser for tests and benchmarks: `CHROMIUM_PATH` when it is set, else the Chromium
 * that npm installed with the dev dependencies (@sparticuz/chromium, unpacked once into the
 * temporary directory). Nothing is ever downloaded.
 */
export async function chromiumExecutable(): Promise<string> {
  return process.env.CHROMIUM_PATH || chromium.executablePath();
}

// The package's serverless flags, less those that do not fit a test: one process for all tabs
// (its browser ends with the first closed context), feature lists that would replace
// Playwright's own, and switching off the same-origin policy and mixed-content blocking,
// which the embed and CSP tests rely on the browser to enforce.
const UNFIT = /^--(single-process|disable-web-security|allow-running-insecure-content|(disable|enable)-features=)/;

/** Flags for a headless Chromium that never talks to the network on its own. */
export const CHROMIUM_ARGS: readonly string[] = [
  ...chromium.args.filter((flag) => !UNFIT.test(flag)), '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

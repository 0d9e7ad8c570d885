import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Frame, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumExecutable } from '../helpers/chromium';
import { startTestApp, type TestApp } from '../helpers/test-app';

/* eslint-disable @typescript-eslint/no-explicit-any -- axe's results are plain JSON read by the test */

export const ARTIFACTS = path.resolve(__dirname, '../artifacts');
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** `CHROMIUM_PATH`, else the npm-installed Chromium; a test never downloads a browser. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumExecutable(), headless: true, args: [...CHROMIUM_ARGS] });
}

/**
 * A browser context that records every request and every CSP complaint; `problems()` lists
 * any request to a host other than `allowedOrigins` and any blocked resource.
 */
export async function guardedContext(browser: Browser, allowedOrigins: readonly string[], options: BrowserContextOptions = {}) {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', ...options });
  const requests: string[] = [];
  const problems: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    requests.push(url);
    if (url.startsWith('data:') || url === 'about:blank') return;
    if (!allowedOrigins.includes(new URL(url).origin)) problems.push(`request to another host: ${url}`);
  });
  context.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  return { context, page, requests, problems: () => [...problems] };
}

/**
 * Evaluates a browser-side expression. Written as text so that the server code's TypeScript
 * needs no DOM library (a `lib: dom` here would leak `window` into all of src/).
 */
export function inPage<T>(target: Page | Frame, expression: string): Promise<T> {
  return target.evaluate(expression) as Promise<T>;
}

/** Full-page screenshots at 360 and 1280 px wide, under tests/artifacts/ (git-ignored). */
export async function screenshots(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const original = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(original);
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's strict CSP does not stop it.
  await page.evaluate(AXE);
  const results = await inPage<any>(page, "axe.run(document, { resultTypes: ['violations'] })");
  return (results.violations as any[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
}

/** One demo-mode app and one Chromium per test file, started side by side. */
export function useDemoAppAndBrowser(): { app: TestApp; browser: Browser } {
  const harness = {} as { app: TestApp; browser: Browser };
  beforeAll(async () => {
    [harness.app, harness.browser] = await Promise.all([startTestApp({ demo: true }), launchChromium()]);
  });
  afterAll(async () => {
    await harness.browser?.close();
    await harness.app?.close();
  });
  return harness;
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Frame, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { guardedContext, inPage, launchChromium, screenshots } from './browser';

jest.setTimeout(90_000);

let app: TestApp;
let browser: Browser;
let host: http.Server;
let hostOrigin: string;

/** The organization's own web page, on another origin, embedding two forms. */
function hostPage(appUrl: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Network news</title></head><body>
<h1>Support our organizer training</h1>
<script src="${appUrl}/embed.js" data-campaign="organizer-training" data-lang="es" data-earmark="travel"></script>
<p>Or in English:</p>
<script src="${appUrl}/embed.js" data-campaign="organizer-training" data-lang="en" data-amount="30" data-frequency="monthly"></script>
</body></html>`;
}

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp({ demo: true }), launchChromium()]);
  host = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(hostPage(app.baseUrl)));
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  host?.closeAllConnections();
  await new Promise((resolve) => host?.close(resolve));
  await app?.close();
});

async function formFrames(page: Page): Promise<Frame[]> {
  await page.waitForFunction("document.querySelectorAll('iframe').length === 2");
  // An iframe is in the document before its frame has navigated to the form (its address is
  // about:blank until then), so wait until both frames ask for the form.
  const formsAsked = () => page.frames().filter((f) => f.url().includes('/donate/organizer-training'));
  for (const deadline = Date.now() + 30_000; formsAsked().length < 2 && Date.now() < deadline; ) await page.waitForTimeout(50);
  const frames = formsAsked();
  expect(frames).toHaveLength(2);
  await Promise.all(frames.map((f) => f.waitForSelector('#donate-form')));
  // The two iframes load at once, so page.frames() may list them in either order: the Spanish
  // one (data-lang="es") is the one whose address asks for it.
  return [...frames].sort((a, b) => Number(new URL(b.url()).searchParams.get('lang') === 'es') - Number(new URL(a.url()).searchParams.get('lang') === 'es'));
}

describe('the form embedded in another site', () => {
  it('fits each iframe to its form (postMessage from our origin) and preselects from data attributes', async () => {
    await app.db('organizations').update({ embed_origins: [hostOrigin] });
    const g = await guardedContext(browser, [app.baseUrl, hostOrigin]);
    const { page } = g;
    await page.goto(hostOrigin);
    const [es, en] = await formFrames(page);
    expect(await es?.locator('html').getAttribute('lang')).toBe('es');
    expect(await es?.locator('#f-earmark-travel').isChecked()).toBe(true);
    expect(await en?.locator('#f-frequency-monthly').isChecked()).toBe(true);
    expect(await en?.locator('#f-amount-2').isChecked()).toBe(true);

    // Each iframe takes its own form's height (it starts at 900px, the form is taller).
    await page.waitForFunction("[...document.querySelectorAll('iframe')].every((f) => f.style.height !== '900px')");
    const fitted = () => inPage<number[]>(page, "[...document.querySelectorAll('iframe')].map((f) => parseInt(f.style.height, 10))");
    const contentHeights = () => Promise.all([es, en].map((f) => f && inPage<number>(f, 'Math.ceil(document.body.getBoundingClientRect().height)')));
    expect(await fitted()).toEqual(await contentHeights());

    // Showing the monthly field makes the Spanish form taller; its iframe follows.
    const before = (await fitted())[0] ?? 0;
    await es?.locator('label[for="f-frequency-monthly"]').click();
    await page.waitForFunction(`parseInt(document.querySelector('iframe').style.height, 10) > ${before}`);
    await screenshots(page, 'embedded-host-page');

    // Paying leaves the frame: Checkout (here the demo's) opens in the top window.
    await en?.getByLabel(/First name/).fill('Ana');
    await en?.getByLabel(/Last name/).fill('Embed');
    await en?.getByLabel(/^Email/).fill('ana.embed@example.org');
    await en?.getByRole('button', { name: 'Continue to payment' }).click();
    await page.waitForURL(/\/demo\/checkout\/cs_demo_/);
    expect(g.problems()).toEqual([]);
    await g.context.close();
  });

  it('will not be framed by a site the organization has not listed', async () => {
    await app.db('organizations').update({ embed_origins: [] });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(hostOrigin);
    await page.waitForFunction("document.querySelectorAll('iframe').length === 2");
    await page.waitForTimeout(1000);
    const framedForms = await Promise.all(page.frames().slice(1).map((f) => f.$('#donate-form').catch(() => null)));
    expect(framedForms.filter(Boolean)).toHaveLength(0);
    await context.close();
  });
});

/**
 * What a supporter's first visit to the donation form costs: every byte Chromium receives
 * (headers and bodies of the HTML, CSS, script and any font) with an empty cache, and the same
 * for /embed.js, plus every request that went to a host other than ours. Goals: under 40 KB
 * for the form and no request elsewhere. The app runs in-process in demo mode on PGlite.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { createApp } from '../src/app';
import { ensureDemo } from '../src/campaigns/demo-seed';
import { loadConfig } from '../src/config';
import { buildContainer } from '../src/container';
import { createDb } from '../src/db/knex';
import { migrateLatest } from '../src/db/migrate';
import { createLogger } from '../src/lib/logger';
import { formatTable, type Benchmark } from './support/benchmark';
import { CHROMIUM_ARGS, chromiumExecutable } from '../tests/helpers/chromium';

const PAGE_GOAL_BYTES = 40 * 1024;

interface Transfer {
  readonly url: string;
  readonly type: string;
  readonly bytes: number;
  readonly bodyBytes: number;
  readonly gzipBytes: number;
}

async function firstVisit(page: Page, url: string, origin: string): Promise<{ transfers: Transfer[]; elsewhere: string[] }> {
  const elsewhere: string[] = [];
  const pending: Promise<Transfer>[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).origin !== origin) elsewhere.push(request.url());
  });
  page.on('response', (response) => {
    pending.push((async () => {
      const sizes = await response.request().sizes();
      const body = await response.body().catch(() => Buffer.alloc(0));
      return {
        url: response.url().replace(origin, ''), type: response.request().resourceType(),
        bytes: sizes.responseHeadersSize + sizes.responseBodySize, bodyBytes: body.length, gzipBytes: gzipSync(body).length,
      };
    })());
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  return { transfers: await Promise.all(pending), elsewhere };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export const benchmark: Benchmark = {
  name: 'form-weight',
  description: 'bytes a first visit transfers for /donate/:campaign and /embed.js, and requests to other hosts',
  async run(ctx) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-bench-form-'));
    ctx.defer(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const db = createDb({});
    ctx.defer(() => db.destroy());
    await migrateLatest(db);
    await ensureDemo(db);
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ctx.defer(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, PUBLIC_URL: origin, LOG_LEVEL: 'silent' });
    server.on('request', createApp(buildContainer(config, { db, logger: createLogger('silent') })));

    ctx.progress('launching Chromium');
    const browser = await chromium.launch({ executablePath: await chromiumExecutable(), args: [...CHROMIUM_ARGS] });
    ctx.defer(() => browser.close());

    const rows: string[][] = [];
    const problems: string[] = [];
    const totals: Record<string, number> = {};
    for (const [label, route] of [['form page', '/donate/organizer-training?lang=es'], ['embed.js', '/embed.js']] as const) {
      ctx.progress(`first visit to ${route}`);
      const context = await browser.newContext(); // a fresh context is an empty cache
      const { transfers, elsewhere } = await firstVisit(await context.newPage(), origin + route, origin);
      await context.close();
      for (const t of transfers) rows.push([`${label}: ${t.url}`, t.type, String(t.bytes), String(t.bodyBytes), String(t.gzipBytes)]);
      const total = transfers.reduce((sum, t) => sum + t.bytes, 0);
      totals[label] = total;
      rows.push([`${label} total (${transfers.length} requests)`, '', String(total), '', String(transfers.reduce((s, t) => s + t.gzipBytes, 0))]);
      rows.push([`${label} requests to other hosts`, '', String(elsewhere.length), '', '']);
      for (const url of elsewhere) problems.push(`${label} asked another host: ${url}`);
    }
    const page = totals['form page'] ?? 0;
    const embed = totals['embed.js'] ?? 0;
    const text = [
      formatTable(['what', 'type', 'bytes on the wire', 'body bytes', 'body gzipped'], rows),
      '',
      `form page first visit: ${kb(page)} (goal < 40 KB: ${page < PAGE_GOAL_BYTES ? 'met' : 'MISSED'}); embed.js: ${kb(embed)}`,
    ].join('\n');
    if (page >= PAGE_GOAL_BYTES) problems.push(`the form page transfers ${kb(page)}, over the 40 KB goal`);
    return { text, problems };
  },
};

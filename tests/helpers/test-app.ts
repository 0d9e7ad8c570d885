import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Knex } from 'knex';
import Stripe from 'stripe';

/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are whatever JSON the app sent; tests assert on them */
import { createApp } from '../../src/app';
import { ensureDemo } from '../../src/campaigns/demo-seed';
import { loadConfig } from '../../src/config';
import { buildContainer, type Container } from '../../src/container';
import type { DrainResult } from '../../src/email/outbox-worker';
import { createLogger } from '../../src/lib/logger';
import { createStripeGateway } from '../../src/stripe/stripe-gateway';
import { createTestDb, type TestDb } from './test-db';

export const WEBHOOK_SECRET = 'whsec_test_colecta_webhooks';
const signer = new Stripe('sk_test_signer_only');

export interface SendEventOptions {
  readonly id?: string;
  readonly created?: Date;
  readonly secret?: string;
  readonly timestamp?: number;
  readonly signature?: string | null;
  /** `data.previous_attributes`, as Stripe sends with `*.updated` events. */
  readonly previousAttributes?: Record<string, unknown>;
}

export interface TestApp {
  readonly baseUrl: string;
  readonly db: Knex;
  readonly dbKind: TestDb['kind'];
  readonly logLines: string[];
  readonly container: Container;
  readonly dataDir: string;
  /** Runs the email worker now (or as if at `now`) until nothing is due. */
  drainOutbox(now?: Date): Promise<DrainResult>;
  postJson(route: string, body: unknown): Promise<{ status: number; body: any }>;
  getJson(route: string): Promise<{ status: number; body: any }>;
  sendEvent(type: string, object: unknown, options?: SendEventOptions): Promise<{ status: number; body: any; eventId: string }>;
  /** Sends an event that must be accepted; fails the test with the server's last log lines otherwise. */
  deliver(type: string, object: unknown, options?: SendEventOptions): Promise<string>;
  close(): Promise<void>;
}

export function eventEnvelope(type: string, object: unknown, id: string, created: Date, previousAttributes?: Record<string, unknown>) {
  return {
    id, object: 'event', api_version: '2026-10-28.endive', created: Math.floor(created.getTime() / 1000),
    data: previousAttributes ? { object, previous_attributes: previousAttributes } : { object }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type,
  };
}

export interface TestAppOptions {
  /** Demo mode: no Stripe key, the demo gateway and checkout page, PUBLIC_URL = the app's own address. */
  readonly demo?: boolean;
  /** Settings over the test defaults (e.g. small CHECKOUT_LIMIT_* to test the limits). */
  readonly env?: Readonly<Record<string, string>>;
  /** A database with nothing in it (no demo sponsor, organization or campaign), as on a first start. */
  readonly empty?: boolean;
}

/** The whole app in-process on port 0, with its own database and Stripe behind nock (or the demo's). */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const testDb = await createTestDb();
  if (!options.empty) await ensureDemo(testDb.db);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'colecta-test-'));
  // Listening first, so that demo mode can be told its own public address.
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stripeEnv = options.demo
    ? { PUBLIC_URL: baseUrl }
    : { STRIPE_SECRET_KEY: 'sk_test_colecta', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, PUBLIC_URL: 'http://localhost:3000' };
  const config = loadConfig({
    NODE_ENV: 'test', DATA_DIR: dataDir, ...stripeEnv, LOG_LEVEL: 'info',
    // Suites open many checkouts from one address; the limits have tests of their own.
    CHECKOUT_LIMIT_PER_IP: '0', CHECKOUT_LIMIT_PER_EMAIL: '0',
    ...options.env,
  });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const container = buildContainer(config, {
    db: testDb.db,
    logger: createLogger('info', sink),
    ...(options.demo ? {} : {
      gateway: createStripeGateway({ secretKey: 'sk_test_colecta', webhookSecret: WEBHOOK_SECRET, maxNetworkRetries: 0 }),
    }),
  });
  server.on('request', createApp(container));

  const request = async (route: string, init: RequestInit) => {
    const res = await fetch(baseUrl + route, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };

  const testApp: TestApp = {
    baseUrl,
    db: testDb.db,
    dbKind: testDb.kind,
    logLines,
    container,
    dataDir,
    drainOutbox: (now) => container.outbox.drain(now),
    postJson: (route, body) => request(route, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    }),
    getJson: (route) => request(route, { method: 'GET' }),
    async sendEvent(type, object, options = {}) {
      const eventId = options.id ?? `evt_test_${randomBytes(8).toString('hex')}`;
      const payload = JSON.stringify(eventEnvelope(type, object, eventId, options.created ?? new Date(), options.previousAttributes));
      const signature = options.signature === undefined
        ? signer.webhooks.generateTestHeaderString({
            payload, secret: options.secret ?? WEBHOOK_SECRET, ...(options.timestamp ? { timestamp: options.timestamp } : {}),
          })
        : options.signature;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (signature !== null) headers['stripe-signature'] = signature;
      const res = await request('/webhooks/stripe', { method: 'POST', headers, body: payload });
      return { ...res, eventId };
    },
    async deliver(type, object, options) {
      const res = await testApp.sendEvent(type, object, options);
      if (res.status !== 200) {
        throw new Error(`${type} answered ${res.status}:\n${logLines.slice(-4).join('\n')}`);
      }
      return res.eventId;
    },
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      await container.webhooks.stop();
      await container.outbox.stop();
      await testDb.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return testApp;
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StripeWorld } from '../helpers/stripe-world';

export interface StripeOverHttp {
  readonly world: StripeWorld;
  /** For STRIPE_API_BASE: nock cannot reach a child process, so the world answers on a real port. */
  readonly url: string;
  close(): Promise<void>;
}

/** The tests' Stripe world (tests/helpers/stripe-world.ts) served over HTTP on a loopback port. */
export async function startStripeOverHttp(): Promise<StripeOverHttp> {
  const world = new StripeWorld();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stripe.local');
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const key = req.headers['idempotency-key'];
      const [status, body] = world.answer(req.method ?? 'GET', url, form, Array.isArray(key) ? key[0] : key);
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Stripe-Version': '2026-10-28.endive',
      });
      res.end(text);
    });
  });
  // Longer than the SDK keeps a socket alive, so a reused socket is never closed under a request.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    world,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      world.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

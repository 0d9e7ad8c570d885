import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StripeApi } from './stripe-api';

export interface StripeServer {
  /** For STRIPE_API_BASE: nock cannot reach another process, so the fake answers on a loopback port. */
  readonly url: string;
  /** Requests answered, by "METHOD /v1/resource/:id"; 404s under "unknown". */
  readonly requests: Map<string, number>;
  close(): Promise<void>;
}

/** Serves `api` over HTTP on 127.0.0.1, on a free port. */
export async function serveOverHttp(api: StripeApi): Promise<StripeServer> {
  const requests = new Map<string, number>();
  let requestNumber = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stripe.local');
      const form = chunks.length === 0 ? {} : Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const key = req.headers['idempotency-key'];
      const answer = api.answer(req.method ?? 'GET', url, form, Array.isArray(key) ? key[0] : key);
      const counted = answer.status === 404 || !answer.route ? 'unknown' : answer.route;
      requests.set(counted, (requests.get(counted) ?? 0) + 1);
      const text = JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
        'Request-Id': `req_fake${++requestNumber}`,
        'Stripe-Version': '2026-10-28.endive',
      });
      res.end(text);
    });
  });
  // Longer than the SDK keeps a socket alive, so a reused socket is never closed under a request.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let closed = false;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

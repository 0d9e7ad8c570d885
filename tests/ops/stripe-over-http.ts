import { FakeStripe } from '../fake-stripe/fake-stripe';
import { serveOverHttp } from '../fake-stripe/over-http';

export interface StripeOverHttp {
  readonly world: FakeStripe;
  /** For STRIPE_API_BASE: nock cannot reach a child process, so the world answers on a real port. */
  readonly url: string;
  close(): Promise<void>;
}

/** The tests' fake Stripe (tests/fake-stripe/) served over HTTP on a loopback port. */
export async function startStripeOverHttp(): Promise<StripeOverHttp> {
  const world = new FakeStripe();
  const server = await serveOverHttp(world);
  return { world, url: server.url, close: () => server.close() };
}

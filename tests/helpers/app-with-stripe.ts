import { StripeWorld } from './stripe-world';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app';

export interface Harness {
  app: TestApp;
  stripe: StripeWorld;
}

/** One app and database per test file, and a fresh Stripe world per test. */
export function useAppWithStripe(options: TestAppOptions | (() => TestAppOptions) = {}): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    harness.app = await startTestApp(typeof options === 'function' ? options() : options);
  });
  afterAll(async () => {
    await harness.app.close();
  });
  beforeEach(() => {
    harness.stripe = new StripeWorld();
  });
  afterEach(() => harness.stripe.close());
  return harness;
}

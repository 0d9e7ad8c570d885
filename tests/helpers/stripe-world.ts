import { FakeStripe } from '../fake-stripe/fake-stripe';
import { interceptWithNock } from '../fake-stripe/over-nock';

export type { RecordedRequest } from '../fake-stripe/stripe-api';

/**
 * The one fake Stripe (tests/fake-stripe/) behind nock, for one test: it keeps the objects the
 * test creates and answers every call to api.stripe.com in this process. Every call is recorded.
 */
export class StripeWorld extends FakeStripe {
  private readonly stopIntercepting = interceptWithNock(this);

  close(): void {
    this.stopIntercepting();
  }
}

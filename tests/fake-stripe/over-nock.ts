import nock from 'nock';
import type { StripeApi } from './stripe-api';

/** Answers every call to api.stripe.com in this process from `api`, until the returned function is called. */
export function interceptWithNock(api: StripeApi): () => void {
  const scopes = (['GET', 'POST', 'DELETE'] as const).map((method) =>
    nock('https://api.stripe.com').persist().intercept(/.*/, method).query(true)
      .reply(function (uri, body) {
        const url = new URL(uri, 'https://api.stripe.com');
        const form = typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : {};
        const key = this.req.headers['idempotency-key'];
        const answer = api.answer(method, url, form, Array.isArray(key) ? key[0] : key);
        return [answer.status, answer.body as nock.Body];
      }));
  return () => {
    for (const scope of scopes) scope.persist(false);
    nock.cleanAll();
  };
}

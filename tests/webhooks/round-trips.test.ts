import { buildCheckoutBody } from '../factories/checkout-body';
import { useAppWithStripe } from '../helpers/app-with-stripe';

const t = useAppWithStripe();

/** inTransaction: the event's own transaction, BEGIN and COMMIT included. */
interface Counted { total: number; inTransaction: number; statements: string[] }

/** Every statement the app sends while one event is handled, from knex's 'query' event. */
async function countQueries(send: () => Promise<unknown>): Promise<Counted> {
  const statements: string[] = [];
  const listener = (q: { sql: string }) => {
    statements.push(q.sql.replace(/\s+/g, ' ').slice(0, 120));
  };
  t.app.db.on('query', listener);
  try {
    await send();
  } finally {
    t.app.db.off('query', listener);
  }
  // The first transaction is the event's own (its statements go one at a time, so they are in a row).
  const begin = statements.findIndex((s) => /^BEGIN/i.test(s));
  const commit = statements.findIndex((s, i) => i > begin && /^COMMIT/i.test(s));
  return { total: statements.length, inTransaction: begin < 0 || commit < 0 ? 0 : commit - begin + 1, statements };
}

// The database round trips of one payment event (docs/performance.md, "Round trips of one
// payment"): each is a wait on PostgreSQL, and those in the transaction hold the donation's row
// lock. A new query on this path should be a choice, so these are exact.
describe('the round trips of one payment event', () => {
  it('checkout.session.completed of a paid one-time gift: 18, 9 of them in its transaction', async () => {
    const res = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ amount: 2000, earmark: 'travel' }));
    const { session } = t.stripe.payOneTime(res.body.id);
    const counted = await countQueries(() => t.app.sendEvent('checkout.session.completed', session));
    expect({ total: counted.total, inTransaction: counted.inTransaction }).toEqual({ total: 18, inTransaction: 9 });
    expect(counted.statements.filter((s) => s.startsWith('update "donations"'))).toHaveLength(1);
  });

  it('invoice.paid of a monthly renewal: 18, 8 of them in its transaction', async () => {
    const res = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ frequency: 'monthly', installments: 3, amount: 2000 }));
    const { session, subscription } = t.stripe.startSubscription(res.body.id, { start: new Date('2026-01-31T18:00:00Z') });
    await t.app.deliver('checkout.session.completed', session);
    const next = t.stripe.invoice(subscription, 2);
    const counted = await countQueries(() => t.app.sendEvent('invoice.paid', next.invoice));
    expect({ total: counted.total, inTransaction: counted.inTransaction }).toEqual({ total: 18, inTransaction: 8 });
  });
});

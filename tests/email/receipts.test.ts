import { buildCheckoutBody } from '../factories/checkout-body';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { donationIdForSession, ledgerFor } from '../helpers/ledger-queries';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.close());
const t = useAppWithStripe(() => ({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'Demo Network <gifts@example.org>' } }));

async function giveOnce(overrides: Record<string, unknown> = {}) {
  const body = buildCheckoutBody(overrides);
  const res = await t.app.postJson('/api/checkout-sessions', body);
  expect(res.status).toBe(201);
  const donationId = await donationIdForSession(t.app.db, res.body.id);
  const paid = t.stripe.payOneTime(res.body.id);
  const eventId = await t.app.deliver('checkout.session.completed', paid.session);
  const email = (body.supporter as { email: string }).email;
  return { ...paid, donationId, email, eventId };
}

describe('a one-time gift receipt', () => {
  it('arrives once over SMTP in English, with every field a receipt needs', async () => {
    const { donationId, email, bt } = await giveOnce({ amount: 2000, coverFees: true, earmark: 'travel' });
    await t.app.drainOutbox();
    const [message, ...more] = smtp.to(email);
    expect(more).toHaveLength(0);
    const [entry] = await ledgerFor(t.app.db, donationId);
    const receipt = entry?.receipt_number as string;
    expect(receipt).toMatch(/^\d{4}-\d{6}$/);
    expect(bt.amount).toBe(2091);

    expect(message?.subject).toBe(`Your receipt ${receipt} from Demo Immigrant Rights Network`);
    expect(message?.from?.value[0]).toMatchObject({ name: 'Demo Network', address: 'gifts@example.org' });
    const text = message?.text ?? '';
    expect(text).toContain(`Receipt number: ${receipt}`);
    expect(text).toContain('Amount: $20.91 USD');
    expect(text).toContain('Campaign: Organizer training 2027');
    expect(text).toContain('Designated for: Travel');
    expect(text).toContain('Fees covered: Yes: $0.91 of this amount covered processing fees');
    expect(text).toContain('Paid with: Card ending in 4242');
    expect(text).toContain('Donor: Ana Pérez');
    expect(text).toContain('12 Pine St');
    expect(text).toContain('Seattle, WA 98101');
    expect(text).toContain('Demo Fiscal Sponsor, Inc., EIN 00-0000000, 100 Main Street, Seattle, WA 98101');
    expect(text).toContain('No goods or services were provided in exchange for this contribution.');
    expect(text).toMatch(/Date: [A-Z][a-z]+ \d{1,2}, \d{4}/);
    const html = String(message?.html);
    expect(html).toContain(receipt);
    expect(html).toContain('$20.91');
    expect(html).not.toMatch(/<img/i);
    expect(message?.headers.get('list-unsubscribe')).toBeUndefined();

    const [row] = await t.app.db('emails').where({ ledger_entry_id: entry?.id });
    expect(row).toMatchObject({ template: 'receipt_once', status: 'sent', attempts: 1, recipient: email, dedupe_key: `receipt:${entry?.id}` });
    expect(row.provider_message_id).toMatch(/^250/);
  });
});

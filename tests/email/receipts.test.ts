import { queueStaffDigests } from '../../src/email/staff-digest';
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

async function startMonthly(overrides: Record<string, unknown>) {
  const body = buildCheckoutBody({ frequency: 'monthly', ...overrides });
  const res = await t.app.postJson('/api/checkout-sessions', body);
  expect(res.status).toBe(201);
  const donationId = await donationIdForSession(t.app.db, res.body.id);
  const started = t.stripe.startSubscription(res.body.id, { start: new Date('2026-02-10T17:00:00Z') });
  await t.app.deliver('checkout.session.completed', started.session);
  await t.app.deliver('invoice.paid', started.invoice);
  return { ...started, donationId, email: (body.supporter as { email: string }).email };
}

describe('monthly gift messages', () => {
  it('in Spanish: the gift started, then "pago 2 de 6" with amounts and dates written the Spanish way', async () => {
    const { subscription, donationId, email } = await startMonthly({ installments: 6, amount: 1500, locale: 'es', earmark: 'housing_meals' });
    const second = t.stripe.invoice(subscription, 2);
    await t.app.deliver('invoice.paid', second.invoice);
    await t.app.drainOutbox();

    const messages = smtp.to(email);
    expect(messages.map((m) => m.subject).sort()).toEqual([
      expect.stringMatching(/^Recibo \d{4}-\d{6}: pago 1 de 6 a Demo Immigrant Rights Network$/),
      expect.stringMatching(/^Recibo \d{4}-\d{6}: pago 2 de 6 a Demo Immigrant Rights Network$/),
      'Su donación mensual a Demo Immigrant Rights Network ha comenzado',
    ].sort());
    const entries = await ledgerFor(t.app.db, donationId);
    const receipt = messages.find((m) => m.subject?.includes('pago 2 de 6'));
    const text = receipt?.text ?? '';
    expect(text).toContain(`Número de recibo: ${entries[1]?.receipt_number}`);
    expect(text).toContain('Monto: $15.00 USD');
    expect(text).toContain('Donación mensual: Pago 2 de 6');
    expect(text).toContain('Destino: Alojamiento y comidas');
    expect(text).toContain('Campaña: Capacitación de organizadores 2027');
    expect(text).toContain('Comisiones cubiertas: No');
    expect(text).toContain('Tarjeta terminada en 4242');
    expect(text).toContain('Demo Fiscal Sponsor, Inc., EIN 00-0000000');
    expect(text).toContain('No se proporcionaron bienes ni servicios a cambio de esta contribución.');
    expect(text).toMatch(/Fecha: \d{1,2} de [a-z]+ de \d{4}/);
    expect(String(receipt?.html)).toContain('lang="es"');

    const started = messages.find((m) => m.subject?.includes('ha comenzado'));
    expect(started?.text).toContain('Gracias por donar $15.00 cada mes');
    expect(started?.text).toContain('durante 6 meses');
    expect(started?.text).toContain('http://localhost:3000/manage?lang=es');
  });

  it('says "monthly payment" for an open-ended gift, and mails the payment failure with the manage link once per invoice', async () => {
    const { subscription, email } = await startMonthly({ installments: null, amount: 1000 });
    const failing = t.stripe.invoice(subscription, 2);
    await t.app.deliver('invoice.payment_failed', failing.invoice);
    await t.app.deliver('invoice.payment_failed', failing.invoice); // Stripe's retry fails again
    await t.app.drainOutbox();
    const subjects = smtp.to(email).map((m) => m.subject);
    expect(subjects).toContain('Your monthly gift to Demo Immigrant Rights Network has started');
    expect(subjects.filter((s) => s?.includes('monthly payment to'))).toHaveLength(1);
    expect(subjects.filter((s) => s === 'Your monthly gift to Demo Immigrant Rights Network could not be charged')).toHaveLength(1);
    const failure = smtp.to(email).find((m) => m.subject?.includes('could not be charged'));
    expect(failure?.text).toContain('http://localhost:3000/manage?lang=en');
  });
});

describe('escaping and delivery guarantees', () => {
  it('escapes a hostile name in the HTML part and keeps it verbatim in the text part', async () => {
    const hostile = '<script>alert(1)</script>';
    const { email } = await giveOnce({
      amount: 1100,
      supporter: { ...(buildCheckoutBody().supporter as object), firstName: hostile, lastName: '"Bob" & <b>', email: `x.${Date.now()}@example.org` },
    });
    void email;
    await t.app.drainOutbox();
    const message = smtp.messages.find((m) => m.text?.includes(hostile));
    expect(message).toBeDefined();
    const html = String(message?.html);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;Bob&quot; &amp; &lt;b&gt;');
    expect(message?.text).toContain(`Dear ${hostile},`);
  });

  it('sends nothing new when Stripe replays the webhook, or delivers the event under a new id', async () => {
    const { session, email, eventId } = await giveOnce({ amount: 1200 });
    await t.app.drainOutbox();
    expect(smtp.to(email)).toHaveLength(1);
    await t.app.deliver('checkout.session.completed', session, { id: eventId });
    await t.app.deliver('checkout.session.completed', session);
    await t.app.drainOutbox();
    expect(smtp.to(email)).toHaveLength(1);
  });

  it('retries while SMTP is down, with growing delays, then delivers each receipt exactly once', async () => {
    smtp.down = true;
    const gifts = [await giveOnce({ amount: 1300 }), await giveOnce({ amount: 1400 })];
    const start = new Date();
    let now = start;
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const result = await t.app.drainOutbox(now);
      expect(result).toEqual({ sent: 0, retried: 2, failed: 0 });
      const rows = await t.app.db('emails').whereIn('recipient', gifts.map((g) => g.email));
      expect(rows.every((r) => r.status === 'queued' && r.attempts === attempt && /421|not available/i.test(r.last_error))).toBe(true);
      const next = new Date(rows[0].next_attempt_at);
      waits.push(next.getTime() - now.getTime());
      // Not due yet: a sweep before the backoff sends nothing.
      expect(await t.app.drainOutbox(new Date(next.getTime() - 1000))).toEqual({ sent: 0, retried: 0, failed: 0 });
      now = next;
    }
    expect(waits).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(smtp.refused).toBeGreaterThanOrEqual(8);

    smtp.down = false;
    expect(await t.app.drainOutbox(now)).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(await t.app.drainOutbox(new Date(now.getTime() + 86_400_000))).toEqual({ sent: 0, retried: 0, failed: 0 });
    for (const gift of gifts) {
      expect(smtp.to(gift.email)).toHaveLength(1);
      const [row] = await t.app.db('emails').where({ recipient: gift.email });
      expect(row).toMatchObject({ status: 'sent', attempts: 5 });
    }
  });

  it('mails a refund notice naming the original receipt, and nothing to the supporter for a dispute', async () => {
    const { charge, email, donationId } = await giveOnce({ amount: 1600 });
    const refunded = t.stripe.refund(charge.id, 600);
    await t.app.deliver('charge.refunded', refunded.charge);
    await t.app.drainOutbox();
    const [payment, refund] = await ledgerFor(t.app.db, donationId);
    const notice = smtp.to(email).find((m) => m.subject === 'Refund of $6.00 from Demo Immigrant Rights Network');
    expect(notice?.text).toContain(`Refund number: ${refund?.receipt_number}`);
    expect(notice?.text).toContain(`(receipt ${payment?.receipt_number}, $16.00)`);

    const disputed = await giveOnce({ amount: 1700 });
    await t.app.drainOutbox();
    await t.app.deliver('charge.dispute.created', t.stripe.dispute(disputed.charge.id));
    await t.app.drainOutbox();
    expect(smtp.to(disputed.email)).toHaveLength(1);
    expect(await t.app.db('emails').where({ recipient: disputed.email })).toHaveLength(1);
  });

  it('tells staff of each new gift, without the name of a supporter who gave anonymously', async () => {
    await t.app.db('organizations').update({ staff_notice_emails: ['staff@example.org'], staff_notice_mode: 'single' });
    const named = await giveOnce({ amount: 1800 });
    const anonymous = await giveOnce({ amount: 1900, anonymous: true, supporter: { ...(buildCheckoutBody().supporter as object), firstName: 'Secreta', lastName: 'Persona' } });
    await t.app.drainOutbox();
    await t.app.db('organizations').update({ staff_notice_emails: [] });
    const notices = smtp.to('staff@example.org');
    expect(notices.map((m) => m.subject)).toEqual(['New gift: $18.00 to Organizer training 2027', 'New gift: $19.00 to Organizer training 2027']);
    expect(notices[0]?.text).toContain(`Ana Pérez <${named.email}>`);
    expect(notices[1]?.text).toContain('Donor: Anonymous');
    expect(`${notices[1]?.text}${String(notices[1]?.html)}`).not.toMatch(/Secreta|Persona|For the Seattle chapter/);
    expect(`${notices[1]?.text}${String(notices[1]?.html)}`).not.toContain(anonymous.email);
  });

  it('sends staff who chose the daily digest one message the next day, naming no anonymous supporter', async () => {
    await t.app.db('organizations').update({ staff_notice_emails: ['digest@example.org'], staff_notice_mode: 'digest' });
    await giveOnce({ amount: 2100 });
    await giveOnce({ amount: 2200, anonymous: true, supporter: { ...(buildCheckoutBody().supporter as object), firstName: 'Oculta' } });
    await t.app.drainOutbox();
    expect(smtp.to('digest@example.org')).toHaveLength(0);

    const tomorrow = new Date(Date.now() + 86_400_000);
    expect(await queueStaffDigests(t.app.db, tomorrow)).toBe(1);
    expect(await queueStaffDigests(t.app.db, tomorrow)).toBe(0);
    await t.app.drainOutbox();
    await t.app.db('organizations').update({ staff_notice_emails: [], staff_notice_mode: 'single' });
    const [digest, ...more] = smtp.to('digest@example.org');
    expect(more).toHaveLength(0);
    expect(digest?.subject).toMatch(/^\d+ new gifts on [A-Z][a-z]+ \d{1,2}, \d{4}$/);
    expect(digest?.text).toMatch(/Anonymous {2}Organizer training 2027 {2}\$22\.00/);
    expect(digest?.text).toMatch(/Ana Pérez {2}Organizer training 2027 {2}\$21\.00/);
    expect(`${digest?.text}${String(digest?.html)}`).not.toContain('Oculta');
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { MailTransport } from '../../src/email/mail-transport';
import { createOutboxWorker } from '../../src/email/outbox-worker';
import { queueYearEndSummaries } from '../../src/email/year-end-service';
import { buildCheckoutBody } from '../factories/checkout-body';
import { useAppWithStripe } from '../helpers/app-with-stripe';

// No SMTP_URL: every message is written to $DATA_DIR/outbox as an .eml file.
const t = useAppWithStripe();

async function give(overrides: Record<string, unknown> = {}, supporter: Record<string, unknown> = {}) {
  const base = buildCheckoutBody();
  const body = { ...base, ...overrides, supporter: { ...(base.supporter as object), ...supporter } };
  const res = await t.app.postJson('/api/checkout-sessions', body);
  expect(res.status).toBe(201);
  const paid = t.stripe.payOneTime(res.body.id);
  await t.app.deliver('checkout.session.completed', paid.session);
  return { ...paid, email: (body.supporter as { email: string }).email };
}

async function outboxMessage(emailId: number) {
  const file = path.join(t.app.dataDir, 'outbox', `${emailId}.eml`);
  return { file, parsed: await simpleParser(fs.readFileSync(file)) };
}

async function askForLink(email: string, lang = 'en') {
  const res = await fetch(`${t.app.baseUrl}/manage`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, lang }),
  });
  return { status: res.status, html: await res.text() };
}

describe('the outbox without SMTP_URL', () => {
  it('writes each message as an .eml file in $DATA_DIR/outbox and logs its path', async () => {
    const { email } = await give({ amount: 2200 });
    expect(await t.app.drainOutbox()).toEqual({ sent: 1, retried: 0, failed: 0 });
    const row = await t.app.db('emails').where({ recipient: email }).first();
    const { file, parsed } = await outboxMessage(Number(row.id));
    expect(row).toMatchObject({ status: 'sent', provider_message_id: file });
    expect(parsed.subject).toMatch(/^Your receipt \d{4}-\d{6} from Demo Immigrant Rights Network$/);
    expect(parsed.text).toContain('Amount: $22.00 USD');
    expect(parsed.messageId).toBe(`<email-${row.id}@localhost>`);
    expect(t.app.logLines.some((line) => line.includes('email written to the outbox') && line.includes(file))).toBe(true);
  });
});

describe('the outbox worker', () => {
  const worker = (transport: MailTransport) => createOutboxWorker({
    db: t.app.db, transport, renderer: t.app.container.renderer, logger: t.app.container.logger,
    publicUrl: 'http://localhost:3000', mailFrom: 'test@example.org', maxAttempts: 3, baseDelayMs: 1000,
  });

  it('gives a message up as failed after the last attempt, and never picks it up again', async () => {
    const { email } = await give({ amount: 2600 });
    const tried: string[] = [];
    const broken = worker({ send: async (m) => { tried.push(m.to); throw new Error('550 mailbox unavailable'); }, close: () => undefined });
    let now = new Date();
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await broken.drain(now);
      now = new Date(now.getTime() + 3_600_000);
    }
    expect(tried.filter((to) => to === email)).toHaveLength(3);
    expect(await t.app.db('emails').where({ recipient: email }).first('status', 'attempts', 'last_error'))
      .toEqual({ status: 'failed', attempts: 3, last_error: 'Error: 550 mailbox unavailable' });
    await broken.drain(new Date(now.getTime() + 86_400_000));
    await t.app.drainOutbox(new Date(now.getTime() + 86_400_000));
    expect(tried.filter((to) => to === email)).toHaveLength(3);
  });

  it('retries a message it could not render, like one it could not send, and leaves the error on the row', async () => {
    const { email } = await give({ amount: 2650 });
    const supporter = await t.app.db('supporters').where({ email }).first('id', 'organization_id');
    const campaign = await t.app.db('campaigns').where({ slug: 'organizer-training' }).first('id');
    const [row] = await t.app.db('emails').insert({
      dedupe_key: `update:missing:${supporter.id}`, template: 'campaign_update', recipient: email, supporter_id: supporter.id,
      organization_id: supporter.organization_id, campaign_id: campaign.id, data: JSON.stringify({ updateId: '00000000-0000-4000-8000-000000000000' }),
    }).returning('id');
    const sent: string[] = [];
    const ok = worker({ send: async (m) => { sent.push(m.subject); return 'ok'; }, close: () => undefined });
    await ok.drain();
    expect(await t.app.db('emails').where({ id: row.id }).first('status', 'attempts', 'last_error'))
      .toEqual({ status: 'queued', attempts: 1, last_error: expect.stringContaining('does not exist') });
    expect(sent).toHaveLength(1); // the gift's receipt, not the broken update
  });

  it('takes back a message a crashed worker left "sending", and leaves alone one that is being sent', async () => {
    const { email } = await give({ amount: 2700 });
    const now = new Date();
    await t.app.db('emails').where({ recipient: email }).update({ status: 'sending', attempts: 1, claimed_at: new Date(now.getTime() - 60_000) });
    const sent: string[] = [];
    const ok = worker({ send: async (m) => { sent.push(m.to); return 'ok'; }, close: () => undefined });
    await ok.drain(now);
    expect(sent).not.toContain(email);
    await ok.drain(new Date(now.getTime() + 20 * 60_000));
    expect(sent.filter((to) => to === email)).toHaveLength(1);
    expect(await t.app.db('emails').where({ recipient: email }).first('status', 'attempts')).toEqual({ status: 'sent', attempts: 2 });
  });
});

describe('/manage', () => {
  it('answers the same for an address with gifts and one without, and mails a link only to the first', async () => {
    const { email } = await give({ amount: 2300, frequency: 'monthly', locale: 'en' });
    const form = await fetch(`${t.app.baseUrl}/manage?lang=es`);
    expect(await form.text()).toContain('Sus donaciones');

    const known = await askForLink(email.toUpperCase(), 'es');
    const unknown = await askForLink('nobody@example.org', 'es');
    expect(known).toEqual(unknown);
    expect(known.status).toBe(200);
    expect(known.html).toContain('Revise su correo');
    expect(await t.app.db('emails').where({ template: 'manage_link' }).select('locale')).toEqual([{ locale: 'es' }]);
    expect(await t.app.db('emails').where({ recipient: 'nobody@example.org' })).toHaveLength(0);
  });

  it('signs in once with the mailed link, to Colecta\'s own "my gifts" page, and keeps no copy of the token', async () => {
    const { email } = await give({ amount: 2400 });
    await askForLink(email);
    await t.app.drainOutbox();
    const row = await t.app.db('emails').where({ template: 'manage_link', recipient: email }).first();
    const { parsed } = await outboxMessage(Number(row.id));
    expect(parsed.subject).toBe('Your link to manage your gift');
    const link = /http:\/\/localhost:3000(\/manage\/[A-Za-z0-9_-]+)/.exec(parsed.text ?? '')?.[1] as string;
    expect(link).toBeDefined();
    expect(JSON.stringify(row.data)).not.toContain(link.split('/').at(-1));
    expect(JSON.stringify(await t.app.db('manage_tokens').select())).not.toContain(link.split('/').at(-1));

    const first = await fetch(t.app.baseUrl + link, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/manage/gifts?lang=en');
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const gifts = await fetch(`${t.app.baseUrl}/manage/gifts?lang=en`, { headers: { cookie } });
    expect(gifts.status).toBe(200);
    expect(await gifts.text()).toContain('$24.00');
    expect(t.stripe.calls('POST', '/v1/billing_portal/sessions')).toHaveLength(0);

    const again = await fetch(t.app.baseUrl + link, { redirect: 'manual' });
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('This link no longer works');
  });

  it('refuses a link older than an hour', async () => {
    const { email } = await give({ amount: 2500 });
    await askForLink(email);
    await t.app.drainOutbox();
    const row = await t.app.db('emails').where({ template: 'manage_link', recipient: email }).first();
    const link = /\/manage\/[A-Za-z0-9_-]+/.exec((await outboxMessage(Number(row.id))).parsed.text ?? '')?.[0] as string;
    await t.app.db('manage_tokens').where({ email }).update({ expires_at: t.app.db.raw(`now() - interval '1 second'`) });
    expect((await fetch(t.app.baseUrl + link, { redirect: 'manual' })).status).toBe(410);
    expect(t.stripe.calls('POST', '/v1/billing_portal/sessions')).toHaveLength(0);
  });
});

describe('/manage rate limit', () => {
  it('answers 429 once one client has asked ten times in fifteen minutes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) statuses.push((await askForLink(`someone${i}@example.org`)).status);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(5);
    expect(statuses.slice(statuses.indexOf(429))).toEqual(statuses.slice(statuses.indexOf(429)).map(() => 429));
  });
});

describe('year-end summaries', () => {
  it('queue one per supporter with that year\'s gifts net of refunds, once however often the command runs', async () => {
    const email = `year.${Date.now()}@example.org`;
    const first = await give({ amount: 3000, earmark: 'travel' }, { email });
    await give({ amount: 2000, earmark: 'training_fees', locale: 'es' }, { email });
    await t.app.deliver('charge.refunded', t.stripe.refund(first.charge.id, 1000).charge);
    const year = Number(new Intl.DateTimeFormat('en-US', { year: 'numeric', timeZone: 'America/Los_Angeles' }).format(new Date()));

    const queued = await queueYearEndSummaries(t.app.db, year);
    expect(queued.queued).toBeGreaterThanOrEqual(1);
    expect(await queueYearEndSummaries(t.app.db, year)).toEqual({ queued: 0, alreadyQueued: queued.queued });
    expect(await queueYearEndSummaries(t.app.db, year - 1)).toEqual({ queued: 0, alreadyQueued: 0 });
    await t.app.drainOutbox();

    const row = await t.app.db('emails').where({ template: 'year_end', recipient: email }).first();
    const { parsed } = await outboxMessage(Number(row.id));
    expect(parsed.subject).toBe(`Resumen de sus donaciones de ${year} a Demo Immigrant Rights Network`);
    const text = parsed.text ?? '';
    expect(text).toMatch(/Capacitación de organizadores 2027: Viajes {2}\$20\.00 \(reembolsado \$10\.00\)/);
    expect(text).toMatch(/Capacitación de organizadores 2027: Cuotas de capacitación {2}\$20\.00/);
    expect(text).toContain('Total (USD): $40.00');
    expect(text).toContain('EIN 00-0000000');
  });
});

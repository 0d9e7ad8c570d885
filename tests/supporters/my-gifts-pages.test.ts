import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { pdfText } from '../helpers/pdf-text';
import { act, csrfOf, getPage, monthlyGift, post, signIn } from './my-gifts-helpers';

const t = useAppWithStripe();
const giftPlanCalls = () => t.stripe.calls('POST', '/v1/subscription_schedules/').filter((c) => c.idempotencyKey?.startsWith('gift-'));

describe('"my gifts" sign-in', () => {
  it('opens with the emailed link once, shows the gift with "payment k of N" and its next payment, and keeps no token', async () => {
    const { email, donationId } = await monthlyGift(t, { installments: 6, paid: 2 });
    await fetch(`${t.app.baseUrl}/manage`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, lang: 'en' }),
    });
    await t.app.drainOutbox();
    const row = await t.app.db('emails').where({ template: 'manage_link', recipient: email }).first();
    const parsed = await simpleParser(fs.readFileSync(path.join(t.app.dataDir, 'outbox', `${row.id}.eml`)));
    const link = /http:\/\/localhost:3000(\/manage\/[A-Za-z0-9_-]+)/.exec(parsed.text ?? '')?.[1] as string;

    const first = await fetch(t.app.baseUrl + link, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(first.headers.get('set-cookie')).toMatch(/Path=\/manage.*HttpOnly.*SameSite=Lax|Path=\/manage.*SameSite=Lax.*HttpOnly|HttpOnly/i);
    expect(cookie).not.toContain(email);
    const page = await getPage(t, cookie, '/manage/gifts?lang=en');
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.html).toContain(`id="gift-${donationId}"`);
    expect(page.html).toContain('Payment 2 of 6');
    expect(page.html).toMatch(/Next payment<\/dt><dd class="gift-next">[A-Z][a-z]+ \d{1,2}, \d{4}</);
    expect(page.html).toContain('Whatever you change, this gift still ends after 6 payments in all.');
    expect(page.html).not.toMatch(/<script(?! src)/);

    expect((await fetch(t.app.baseUrl + link, { redirect: 'manual' })).status).toBe(410);
    expect((await getPage(t, '', '/manage/gifts')).status).toBe(401);
    expect((await getPage(t, 'colecta_gifts=forged.value', '/manage/gifts')).status).toBe(401);
  });

  it('answers the same for an address with no gifts', async () => {
    const cookie = await signIn(t, 'nobody.here@example.org', 'es');
    const page = await getPage(t, cookie, '/manage/gifts?lang=es');
    expect(page.status).toBe(200);
    expect(page.html).toContain('No encontramos donaciones para este correo.');
  });
});

describe('one supporter and another\'s gifts', () => {
  it('never sees or changes another supporter\'s gift, receipt or statement by changing an id', async () => {
    const mine = await monthlyGift(t, { installments: 6, paid: 2 });
    const theirs = await monthlyGift(t, { installments: 6, paid: 2 });
    const cookie = await signIn(t, mine.email);
    const page = await getPage(t, cookie, '/manage/gifts');
    expect(page.html).not.toContain(theirs.donationId);
    const csrf = csrfOf(page.html);
    for (const action of ['amount', 'earmark', 'pause', 'resume', 'cancel', 'card']) {
      const res = await post(t, cookie, `/manage/gifts/${theirs.donationId}/${action}`, { _csrf: csrf, amount: '30', earmark: 'housing_meals', months: '1', confirm: 'yes' });
      expect([action, res.status]).toEqual([action, 404]);
    }
    expect((await getPage(t, cookie, `/manage/gifts/${theirs.donationId}/cancel`)).status).toBe(404);
    expect(giftPlanCalls()).toHaveLength(0);
    expect(t.stripe.calls('DELETE', '/v1/subscriptions/')).toHaveLength(0);
    expect(t.stripe.calls('POST', '/v1/billing_portal/sessions')).toHaveLength(0);
    expect(await t.app.db('donations').where({ id: theirs.donationId }).first('status', 'amount')).toEqual({ status: 'active', amount: 2000 });

    const theirEntry = await t.app.db('ledger_entries').where({ donation_id: theirs.donationId }).first('id', 'supporter_id');
    expect((await getPage(t, cookie, `/manage/receipts/${theirEntry.id}`)).status).toBe(404);
    expect((await getPage(t, cookie, `/manage/receipts/${theirEntry.id}/pdf`)).status).toBe(404);
    expect((await getPage(t, cookie, `/manage/statements/${theirEntry.supporter_id}/2026/pdf`)).status).toBe(404);
    expect((await getPage(t, cookie, '/manage/receipts/abc')).status).toBe(404);
  });

  it('refuses a post without the page\'s form token', async () => {
    const { donationId, email } = await monthlyGift(t, { installments: 6, paid: 2 });
    const cookie = await signIn(t, email);
    const res = await post(t, cookie, `/manage/gifts/${donationId}/pause`, { months: '1', _csrf: 'not-the-token' });
    expect(res.status).toBe(403);
    expect(giftPlanCalls()).toHaveLength(0);
  });
});

describe('bad changes', () => {
  it('a pause of 0 or 4 months, an amount outside the campaign\'s limits, an unknown earmark: a message in the supporter\'s language, nothing changed', async () => {
    const { donationId, email } = await monthlyGift(t, { installments: 6, paid: 2, locale: 'es' });
    for (const months of ['0', '4', 'x']) {
      const res = await act(t, email, `/manage/gifts/${donationId}/pause?lang=es`, { months }, 'es');
      expect(res.status).toBe(422);
      expect(res.html).toContain('Pausa: elija 1, 2 o 3 meses.');
    }
    const campaign = await t.app.db('campaigns').where({ slug: 'organizer-training' }).first('min_amount', 'max_amount');
    for (const amount of ['0.50', String(Number(campaign.max_amount) / 100 + 1), 'abc', '-5']) {
      const res = await act(t, email, `/manage/gifts/${donationId}/amount?lang=es`, { amount }, 'es');
      expect([amount, res.status]).toEqual([amount, 422]);
      expect(res.html).toMatch(/Monto: debe estar entre [\d.]+ y [\d.]+ USD\./);
    }
    const earmark = await act(t, email, `/manage/gifts/${donationId}/earmark?lang=es`, { earmark: 'nope' }, 'es');
    expect(earmark.status).toBe(422);
    expect(earmark.html).toContain('Destino: elija uno de los de la campaña.');
    expect(giftPlanCalls()).toHaveLength(0);
    expect(await t.app.db('gift_changes').where({ donation_id: donationId })).toEqual([]);
    expect(await t.app.db('donations').where({ id: donationId }).first('amount', 'paused_until')).toEqual({ amount: 2000, paused_until: null });
  });

  it('changes the earmark from the next payment on: the next payment is recorded under the new one', async () => {
    const { donationId, email, subscription } = await monthlyGift(t, { installments: 6, paid: 2 });
    expect((await act(t, email, `/manage/gifts/${donationId}/earmark`, { earmark: 'housing_meals' })).status).toBe(303);
    const [update] = giftPlanCalls();
    expect(update?.body).toMatchObject({ 'phases[1][metadata][earmark]': 'housing_meals', 'phases[1][items][0][price_data][unit_amount]': '2000' });
    await t.app.deliver('invoice.paid', t.stripe.invoice(subscription, 3).invoice);
    const codes = await t.app.db('ledger_entries as l').join('earmarks as e', 'e.id', 'l.earmark_id').where('l.donation_id', donationId)
      .orderBy('l.id').pluck('e.code');
    expect(codes).toEqual(['travel', 'travel', 'housing_meals']);
  });
});

describe('receipts and statements', () => {
  it('as a page and a PDF, in Spanish, with the email receipt\'s fields and the sponsor\'s identity', async () => {
    const { donationId, email } = await monthlyGift(t, { installments: 6, paid: 2, locale: 'es' });
    const entry = await t.app.db('ledger_entries').where({ donation_id: donationId, installment: 2 }).first('id', 'receipt_number');
    const cookie = await signIn(t, email, 'es');
    const html = await getPage(t, cookie, `/manage/receipts/${entry.id}?lang=es`);
    expect(html.status).toBe(200);
    expect(html.html).toContain(`Recibo ${entry.receipt_number}`);
    expect(html.html).toContain('Pago 2 de 6');

    const res = await fetch(`${t.app.baseUrl}/manage/receipts/${entry.id}/pdf?lang=es`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { pages, title } = await pdfText(pdf);
    const text = pages.join('\n');
    expect(title).toBe(`Recibo ${entry.receipt_number}`);
    for (const expected of [`Número de recibo: ${entry.receipt_number}`, 'Monto: $20.00 USD', 'Donación mensual: Pago 2 de 6',
      'Destino: Viajes', 'Comisiones cubiertas: No', 'Pagado con: Tarjeta terminada en 4242', 'Donante: Ana Pérez', 'EIN 00-0000000']) {
      expect(text.replace(/\s+/g, ' ')).toContain(expected);
    }
    fs.mkdirSync(path.resolve(__dirname, '../artifacts/pdf'), { recursive: true });
    fs.writeFileSync(path.resolve(__dirname, '../artifacts/pdf/receipt-es.pdf'), pdf);

    const page = await getPage(t, cookie, '/manage/gifts?lang=es');
    const statement = /href="(\/manage\/statements\/[^"]+\/(\d{4})\/pdf\?lang=es)"/.exec(page.html);
    expect(statement).not.toBeNull();
    const yearEnd = await fetch(t.app.baseUrl + (statement?.[1] as string).replace(/&amp;/g, '&'), { headers: { cookie } });
    expect(yearEnd.status).toBe(200);
    const yearPdf = Buffer.from(await yearEnd.arrayBuffer());
    const yearText = (await pdfText(yearPdf)).pages.join('\n').replace(/\s+/g, ' ');
    expect(yearText).toContain(`Sus donaciones de ${statement?.[2]} a Demo Immigrant Rights Network`);
    expect(yearText).toMatch(/Total \(USD\): \$\d+\.\d{2}/);
    expect(yearText).toContain('EIN 00-0000000');
    fs.writeFileSync(path.resolve(__dirname, '../artifacts/pdf/statement-es.pdf'), yearPdf);
  });
});

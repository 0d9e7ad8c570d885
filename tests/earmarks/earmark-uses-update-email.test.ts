import { randomBytes } from 'node:crypto';
import { buildCheckoutBody } from '../factories/checkout-body';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { api, bearer } from '../staff/staff-helpers';

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.close());
const t = useAppWithStripe(() => ({ env: { SMTP_URL: smtp.url } }));

async function give(campaign: string, email: string, locale: 'en' | 'es') {
  const base = buildCheckoutBody();
  const res = await t.app.postJson('/api/checkout-sessions', {
    ...base, campaign, earmark: 'travel', amount: 5000, locale, supporter: { ...(base.supporter as object), firstName: 'Zelda', email },
  });
  expect(res.status).toBe(201);
  await t.app.deliver('checkout.session.completed', t.stripe.payOneTime(res.body.id).session);
}

describe('progress update emails', () => {
  it('say what the money paid for since the last update, in the reader\'s language, escaped, without removed uses or names', async () => {
    const staff = await bearer(t.app.db, 'staff', 'demo-network');
    const slug = `c-${randomBytes(4).toString('hex')}`;
    const org = await t.app.db('organizations').where({ slug: 'demo-network' }).first('id');
    const [campaign] = await t.app.db('campaigns').insert({
      organization_id: org.id, slug, title_en: 'Train the trainers', title_es: 'Formar formadores', currency: 'usd', goal: 100000, status: 'active',
    }).returning('id');
    await t.app.db('earmarks').insert([
      { campaign_id: campaign.id, code: 'general', label_en: 'Where most needed', label_es: 'Donde más se necesite' },
      { campaign_id: campaign.id, code: 'travel', label_en: 'Travel', label_es: 'Viajes' },
    ]);
    const en = `en.${randomBytes(3).toString('hex')}@example.org`;
    const es = `es.${randomBytes(3).toString('hex')}@example.org`;
    await give(slug, en, 'en');
    await give(slug, es, 'es');
    const uses = `/api/admin/campaigns/${slug}/earmarks/travel/uses`;
    const record = async (textEn: string, textEs: string, amount: number | null) =>
      (await api(t.app.baseUrl, 'POST', uses, staff, { text: { en: textEn, es: textEs }, amount })).body.id as string;
    const post = async (title: string) => {
      const res = await api(t.app.baseUrl, 'POST', `/api/admin/campaigns/${slug}/updates`, staff, { title: { en: title, es: title }, body: { en: 'News.', es: 'Noticias.' } });
      expect(res.status).toBe(201);
    };

    await record('12 bus tickets to <Oakland>', '12 boletos de autobús a <Oakland>', 114000);
    const removed = await record('A mistake', 'Un error', null);
    expect((await api(t.app.baseUrl, 'DELETE', `${uses}/${removed}`, staff)).status).toBe(200);
    await post('First update');
    await record('Lunch for 30 organizers', 'Almuerzo para 30 organizadores', null);
    await post('Second update');
    await t.app.drainOutbox();

    const mail = (to: string, subject: string) => smtp.to(to).find((m) => m.subject === subject);
    const first = mail(en, 'First update');
    expect(first?.text).toContain('What the money paid for\n- Travel: 12 bus tickets to <Oakland> · $1,140.00');
    expect(String(first?.html)).toContain('<strong>Travel:</strong> 12 bus tickets to &lt;Oakland&gt; · $1,140.00');
    expect(first?.text).not.toMatch(/Lunch|A mistake/);
    const second = mail(en, 'Second update');
    expect(second?.text).toContain('- Travel: Lunch for 30 organizers');
    expect(second?.text).not.toMatch(/bus tickets|A mistake/);
    const firstEs = mail(es, 'First update');
    expect(firstEs?.text).toContain('En qué se usó el dinero\n- Viajes: 12 boletos de autobús a <Oakland>');
    expect(mail(es, 'Second update')?.text).toContain('- Viajes: Almuerzo para 30 organizadores');
    for (const m of [first, second, firstEs]) expect(`${m?.text}${m?.html}`).not.toMatch(/token [a-z0-9]{4}/);
  });
});

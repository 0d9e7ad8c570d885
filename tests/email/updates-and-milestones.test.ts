import { randomBytes } from 'node:crypto';
import { createApiToken } from '../../src/staff/api-token-service';
import { buildCheckoutBody } from '../factories/checkout-body';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import type { ParsedMail } from 'mailparser';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.close());
const t = useAppWithStripe(() => ({ env: { SMTP_URL: smtp.url } }));

/** A campaign of the demo organization with its own goal, so totals start at zero. */
async function createCampaign(goal: number, earmarkGoal: number | null = null): Promise<string> {
  const slug = `c-${randomBytes(4).toString('hex')}`;
  const org = await t.app.db('organizations').where({ slug: 'demo-network' }).first('id');
  const [campaign] = await t.app.db('campaigns').insert({
    organization_id: org.id, slug, title_en: 'Train the trainers', title_es: 'Formar formadores', currency: 'usd', goal, status: 'active',
  }).returning('id');
  await t.app.db('earmarks').insert([
    { campaign_id: campaign.id, code: 'general', label_en: 'Where most needed', label_es: 'Donde más se necesite', goal: null },
    { campaign_id: campaign.id, code: 'travel', label_en: 'Travel', label_es: 'Viajes', goal: earmarkGoal },
  ]);
  return slug;
}

async function give(campaign: string, amount: number, supporter: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) {
  const base = buildCheckoutBody();
  const body = { ...base, campaign, earmark: 'general', amount, ...overrides, supporter: { ...(base.supporter as object), ...supporter } };
  const res = await t.app.postJson('/api/checkout-sessions', body);
  expect(res.status).toBe(201);
  const paid = t.stripe.payOneTime(res.body.id);
  await t.app.deliver('checkout.session.completed', paid.session);
  return { ...paid, email: (body.supporter as { email: string }).email };
}

async function postUpdate(campaign: string, body: unknown, token?: string) {
  const res = await fetch(`${t.app.baseUrl}/api/admin/campaigns/${campaign}/updates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever JSON the app answered
  return { status: res.status, body: (await res.json()) as any };
}

/** The raw header line, as a mail client reads it (mailparser folds List-* headers into one object). */
const headerLine = (m: ParsedMail | undefined, key: string) =>
  m?.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n(?=[ \t])/g, '');

const update = {
  title: { en: 'We trained 28 organizers', es: 'Formamos a 28 organizadores' },
  body: { en: 'Thanks to you, 28 organizers finished the course.\n\nNext: <Seattle> & Tacoma.', es: 'Gracias a usted, 28 organizadores terminaron el curso.\n\nSigue: <Seattle> y Tacoma.' },
};

describe('campaign progress updates', () => {
  it('go once to each supporter who opted in, in their language, with the bar drawn and one-click unsubscribe headers', async () => {
    const campaign = await createCampaign(1_000_000);
    const { token } = await createApiToken(t.app.db, { role: 'staff', organizationSlug: 'demo-network', label: 'test' });
    const english = await give(campaign, 5000, { email: `en.${randomBytes(3).toString('hex')}@example.org` });
    const spanish = await give(campaign, 5000, { email: `es.${randomBytes(3).toString('hex')}@example.org` }, { locale: 'es' });
    const optedOut = await give(campaign, 5000, { email: `out.${randomBytes(3).toString('hex')}@example.org` }, { emailUpdates: false });
    const elsewhere = await give('organizer-training', 1000, { email: `other.${randomBytes(3).toString('hex')}@example.org` });
    await t.app.drainOutbox();
    const receiptsOnly = smtp.messages.length;

    const res = await postUpdate(campaign, update, token);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ campaign, recipients: 2 });
    expect(await t.app.drainOutbox()).toMatchObject({ sent: 2, failed: 0 });
    expect(smtp.messages.length - receiptsOnly).toBe(2);
    expect(smtp.to(optedOut.email).map((m) => m.subject)).not.toContain('We trained 28 organizers');
    expect(smtp.to(elsewhere.email).map((m) => m.subject)).not.toContain('We trained 28 organizers');

    const en = smtp.to(english.email).find((m) => m.subject === 'We trained 28 organizers');
    const es = smtp.to(spanish.email).find((m) => m.subject === 'Formamos a 28 organizadores');
    const token_ = (await t.app.db('supporters').where({ email: english.email }).first('unsubscribe_token')).unsubscribe_token;
    expect(headerLine(en, 'list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(headerLine(en, 'list-unsubscribe')).toBe(`List-Unsubscribe: <http://localhost:3000/unsubscribe/${token_}>`);
    expect(en?.text).toContain('Next: <Seattle> & Tacoma.');
    expect(en?.text).toContain('$150.00 raised of $10,000.00 (1%)');
    expect(en?.text).toContain(`Unsubscribe with one click: http://localhost:3000/unsubscribe/${token_}`);
    const html = String(en?.html);
    expect(html).toContain('Next: &lt;Seattle&gt; &amp; Tacoma.');
    expect(html).toMatch(/width:2%;height:14px;background:#16a34a/);
    expect(html).not.toMatch(/<img|url\(/i);
    expect(es?.text).toContain('Gracias a usted, 28 organizadores terminaron el curso.');
    expect(es?.text).toContain('$150.00 recaudados de $10,000.00 (1 %)');
    expect(es?.text).toContain('Darse de baja con un clic');
  });

  it('refuses a caller without a token, a sponsor, and an update without text', async () => {
    const campaign = await createCampaign(1_000_000);
    const sponsor = await createApiToken(t.app.db, { role: 'sponsor' });
    const staff = await createApiToken(t.app.db, { role: 'staff', organizationSlug: 'demo-network' });
    expect((await postUpdate(campaign, update)).status).toBe(401);
    expect((await postUpdate(campaign, update, sponsor.token)).status).toBe(403);
    const bad = await postUpdate(campaign, { title: {}, body: { en: ' ' } }, staff.token);
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.en', 'title']);
    expect((await postUpdate('no-such-campaign', update, staff.token)).status).toBe(404);
  });

  it('stop after the one-click unsubscribe (GET link or RFC 8058 POST), which can be repeated', async () => {
    const campaign = await createCampaign(1_000_000);
    const { token } = await createApiToken(t.app.db, { role: 'admin' });
    const viaLink = await give(campaign, 2000, { email: `link.${randomBytes(3).toString('hex')}@example.org` }, { locale: 'es' });
    const viaPost = await give(campaign, 2000, { email: `post.${randomBytes(3).toString('hex')}@example.org` });
    const tokenOf = async (email: string) => (await t.app.db('supporters').where({ email }).first('unsubscribe_token')).unsubscribe_token;

    for (let i = 0; i < 2; i += 1) {
      const page = await fetch(`${t.app.baseUrl}/unsubscribe/${await tokenOf(viaLink.email)}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Se ha dado de baja');
      expect(html).toContain('Demo Immigrant Rights Network');
      const oneClick = await fetch(`${t.app.baseUrl}/unsubscribe/${await tokenOf(viaPost.email)}`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click',
      });
      expect(oneClick.status).toBe(200);
    }
    expect((await fetch(`${t.app.baseUrl}/unsubscribe/${'0'.repeat(64)}`)).status).toBe(404);

    expect((await postUpdate(campaign, update, token)).body.recipients).toBe(0);
    await t.app.drainOutbox();
    for (const gift of [viaLink, viaPost]) {
      expect(smtp.to(gift.email).map((m) => m.subject)).toEqual([expect.stringMatching(/receipt|recibo/i)]);
    }
  });
});

describe('milestone emails', () => {
  it('go out once per step, even when a refund dips under the line and a new gift passes it again', async () => {
    const campaign = await createCampaign(10_000);
    const fan = `fan.${randomBytes(3).toString('hex')}@example.org`;
    const milestoneMails = () => smtp.to(fan).filter((m) => m.subject?.startsWith('Train the trainers:')).map((m) => m.subject);

    const first = await give(campaign, 2600, { email: fan });
    await t.app.drainOutbox();
    expect(milestoneMails()).toEqual(['Train the trainers: reached 25% of its goal']);

    await t.app.deliver('charge.refunded', t.stripe.refund(first.charge.id, 1000).charge); // 16%
    await give(campaign, 1000, { email: fan }); // 26% again
    await t.app.drainOutbox();
    expect(milestoneMails()).toEqual(['Train the trainers: reached 25% of its goal']);
    expect(await t.app.db('milestones').join('campaigns', 'campaigns.id', 'milestones.campaign_id').where('campaigns.slug', campaign)
      .select('step', 'scope_key')).toEqual([{ step: 25, scope_key: '' }]);

    await give(campaign, 7500, { email: fan }); // 101%: 50, 75 and 100 at once, mailed as one
    await t.app.drainOutbox();
    expect(milestoneMails()).toEqual(['Train the trainers: reached 25% of its goal', 'Train the trainers: reached 100% of its goal']);
    const done = smtp.to(fan).find((m) => m.subject?.includes('100%'));
    expect(done?.text).toContain('We made it!');
    expect(headerLine(done, 'list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });

  it('are sent for an earmark that passes a step of its own goal, named in the message', async () => {
    const campaign = await createCampaign(1_000_000, 4000);
    const fan = `earmark.${randomBytes(3).toString('hex')}@example.org`;
    await give(campaign, 2100, { email: fan }, { earmark: 'travel', locale: 'es' });
    await t.app.drainOutbox();
    const mail = smtp.to(fan).find((m) => m.subject?.includes('alcanzó'));
    expect(mail?.subject).toBe('Formar formadores: Viajes alcanzó el 50 % de su meta');
  });
});

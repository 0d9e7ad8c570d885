import { useAppWithStripe } from '../helpers/app-with-stripe';
import { signIn, staffUser, submitForm, type Browserless } from '../staff/staff-helpers';

const t = useAppWithStripe();
const sessions = {} as Record<'staff' | 'sponsor', Browserless>;

beforeAll(async () => {
  const own = await staffUser(t.app.db, 'staff', 'demo-network');
  const sponsor = await staffUser(t.app.db, 'sponsor');
  sessions.staff = await signIn(t.app.baseUrl, own.email, own.password);
  sessions.sponsor = await signIn(t.app.baseUrl, sponsor.email, sponsor.password);
});

const page = async (who: keyof typeof sessions, route: string) => {
  const res = await fetch(`${t.app.baseUrl}${route}`, { headers: { cookie: sessions[who].cookie } });
  return { status: res.status, html: (await res.text()).replace(/\u00a0/g, ' ') };
};
const CAMPAIGN = '/admin/campaigns/organizer-training';

describe('the campaign page\'s "what the money paid for"', () => {
  it('records a use from the form, lists it escaped, and removes it', async () => {
    const made = await submitForm(t.app.baseUrl, sessions.staff, `${CAMPAIGN}/uses`, {
      use_earmark: 'travel', use_text_en: '12 bus tickets to <Oakland>', use_text_es: '12 boletos a <Oakland>', use_amount: '1140',
    });
    expect(made).toMatchObject({ status: 303, location: `${CAMPAIGN}?done=use-recorded#uses` });
    const row = await t.app.db('earmark_uses').orderBy('recorded_at', 'desc').first();
    expect(row).toMatchObject({ text_en: '12 bus tickets to <Oakland>', amount: 114000, removed_at: null });

    const shown = await page('staff', CAMPAIGN);
    expect(shown.html).toContain('<td>12 bus tickets to &lt;Oakland&gt;</td>');
    expect(shown.html).toContain('$1,140.00');
    expect(shown.html).toContain(`/uses/travel/${row.id}/remove`);

    const sponsorView = await page('sponsor', CAMPAIGN);
    expect(sponsorView.html).toContain('12 bus tickets to &lt;Oakland&gt;');
    expect(sponsorView.html).not.toContain('id="use-form"');
    expect((await submitForm(t.app.baseUrl, sessions.sponsor, `${CAMPAIGN}/uses/travel/${row.id}/remove`, {})).status).toBe(403);

    const removed = await submitForm(t.app.baseUrl, sessions.staff, `${CAMPAIGN}/uses/travel/${row.id}/remove`, {});
    expect(removed).toMatchObject({ status: 303, location: `${CAMPAIGN}?done=use-removed#uses` });
    expect((await page('staff', CAMPAIGN)).html).not.toContain('12 bus tickets to &lt;Oakland&gt;');
    expect((await t.app.db('earmark_uses').where({ id: row.id }).first()).removed_at).not.toBeNull();
  });

  it('answers 422 with each field named, keeps what was typed, and stores nothing', async () => {
    const before = await t.app.db('earmark_uses').count({ n: '*' }).first();
    const bad = await submitForm(t.app.baseUrl, sessions.staff, `${CAMPAIGN}/uses`, {
      use_earmark: 'travel', use_text_en: 'Lunch for <30>', use_text_es: '', use_amount: '11.4.0',
    });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('<a href="#use_amount">Amount</a>');
    expect(bad.html).toContain('<a href="#use_text_es">What it paid for, in Spanish</a>');
    expect(bad.html).toContain('value="Lunch for &lt;30&gt;"');
    const noSpanish = await submitForm(t.app.baseUrl, sessions.staff, `${CAMPAIGN}/uses`, {
      use_earmark: 'travel', use_text_en: 'Lunch', use_text_es: ' ', use_amount: '',
    });
    expect(noSpanish.status).toBe(422);
    expect(noSpanish.html).toContain('<a href="#use_text_es">What it paid for, in Spanish</a>');
    const noEarmark = await submitForm(t.app.baseUrl, sessions.staff, `${CAMPAIGN}/uses`, {
      use_earmark: 'nope', use_text_en: 'Lunch', use_text_es: 'Almuerzo', use_amount: '',
    });
    expect(noEarmark.status).toBe(422);
    expect(noEarmark.html).toContain('<a href="#use_earmark">Earmark</a>');
    expect(await t.app.db('earmark_uses').count({ n: '*' }).first()).toEqual(before);
  });
});

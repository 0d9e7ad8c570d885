import { useAppWithStripe } from '../helpers/app-with-stripe';
import { api, bearer, signIn, staffUser, type Browserless, submitForm } from './staff-helpers';

const t = useAppWithStripe();
const sessions = {} as Record<'staffOwn' | 'sponsor', Browserless>;

beforeAll(async () => {
  const own = await staffUser(t.app.db, 'staff', 'demo-network');
  const sponsor = await staffUser(t.app.db, 'sponsor');
  sessions.staffOwn = await signIn(t.app.baseUrl, own.email, own.password);
  sessions.sponsor = await signIn(t.app.baseUrl, sponsor.email, sponsor.password);
  const admin = await bearer(t.app.db, 'admin');
  for (const [first, email] of [['Ana', 'ana.updates@example.org'], ['Beto', 'beto.updates@example.org'], ['Cata', 'cata.no@example.org']]) {
    await api(t.app.baseUrl, 'POST', '/api/admin/offline-donations', admin, {
      campaign: 'organizer-training', earmark: 'travel', amount: 1000, method: 'cash', supporter: { firstName: first, lastName: 'U', email },
    });
  }
  await t.app.db('supporters').whereIn('email', ['ana.updates@example.org', 'beto.updates@example.org']).update({ email_updates: true });
});

const post = (who: keyof typeof sessions, route: string, form: Record<string, string>) =>
  submitForm(t.app.baseUrl, sessions[who], route, form);
const page = async (who: keyof typeof sessions, route: string) => {
  const res = await fetch(`${t.app.baseUrl}${route}`, { headers: { cookie: sessions[who].cookie } });
  return { status: res.status, html: await res.text() };
};

const UPDATE = {
  title_en: 'We trained 28 organizers <3', title_es: 'Formamos a 28 organizadoras',
  body_en: 'Thanks to you.\n\nNext: housing.', body_es: '',
};

describe('progress update pages', () => {
  it('previews both languages with the audience and sends nothing until posted', async () => {
    const preview = await post('staffOwn', '/admin/campaigns/organizer-training/updates/preview', UPDATE);
    expect(preview.status).toBe(200);
    expect(preview.html).toContain('We trained 28 organizers &lt;3');
    expect(preview.html).toContain('Formamos a 28 organizadoras');
    expect(preview.html).toContain('<p>Next: housing.</p>');
    expect(preview.html).toContain('partly from the other language');
    expect(preview.html).toMatch(/Post it to 2 supporters/);
    expect(Number((await t.app.db('emails').where({ template: 'campaign_update' }).count({ n: '*' }).first())?.n)).toBe(0);
  });

  it('posts from the preview, queues one message per opted-in supporter, says how many, and is audited', async () => {
    const posted = await post('staffOwn', '/admin/campaigns/organizer-training/updates', UPDATE);
    expect(posted.status).toBe(303);
    const id = /posted=([0-9a-f-]{36})$/.exec(posted.location ?? '')?.[1];
    expect(id).toBeDefined();
    const emails = await t.app.db('emails').where({ template: 'campaign_update' }).orderBy('recipient').pluck('recipient');
    expect(emails).toEqual(['ana.updates@example.org', 'beto.updates@example.org']);
    const shown = await page('staffOwn', posted.location as string);
    expect(shown.html).toMatch(/queued for <strong>2<\/strong> supporters/);
    const update = await t.app.db('campaign_updates').where({ id }).first();
    expect(update).toMatchObject({ title_es: 'Formamos a 28 organizadoras', body_es: 'Thanks to you.\n\nNext: housing.', recipients: 2 });
    const audit = await t.app.db('audit_log').where({ action: 'campaign_update.post', entity_id: id }).first();
    expect(audit.actor_label).toMatch(/^staff-/);
  });

  it('answers an empty update with a message, and refuses the sponsor', async () => {
    const empty = await post('staffOwn', '/admin/campaigns/organizer-training/updates/preview', { title_en: ' ', title_es: '', body_en: '', body_es: '' });
    expect(empty.status).toBe(422);
    expect(empty.html).toContain('needs English, Spanish or both');
    expect((await post('sponsor', '/admin/campaigns/organizer-training/updates/preview', UPDATE)).status).toBe(403);
    expect((await post('sponsor', '/admin/campaigns/organizer-training/updates', UPDATE)).status).toBe(403);
    const list = await page('sponsor', '/admin/campaigns/organizer-training/updates');
    expect(list.status).toBe(200);
    expect(list.html).not.toContain('/updates/preview');
    expect(list.html).toContain('We trained 28 organizers &lt;3');
  });
});

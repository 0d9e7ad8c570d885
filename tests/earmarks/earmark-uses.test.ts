import { useAppWithStripe } from '../helpers/app-with-stripe';
import { api, bearer, ensureOtherOrganization } from '../staff/staff-helpers';

const t = useAppWithStripe();
const USES = '/api/admin/campaigns/organizer-training/earmarks/travel/uses';
let admin: Record<string, string>;
let staff: Record<string, string>;

beforeAll(async () => {
  await ensureOtherOrganization(t.app.db);
  admin = await bearer(t.app.db, 'admin');
  staff = await bearer(t.app.db, 'staff', 'demo-network');
});

const page = async (route: string) => (await (await fetch(t.app.baseUrl + route)).text()).replace(/\u00a0/g, ' ');

describe('what an earmark\'s money paid for', () => {
  it('records, lists and removes a use; removal is soft and audited', async () => {
    const made = await api(t.app.baseUrl, 'POST', USES, staff, {
      text: { en: '12 bus tickets to the Oakland training', es: '12 boletos de autobús al taller de Oakland' }, amount: 114000,
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ earmark: 'travel', amount: 114000, currency: 'usd', text: { en: '12 bus tickets to the Oakland training' } });
    const listed = await api(t.app.baseUrl, 'GET', USES, staff);
    expect(listed.body.data.map((u: { id: string }) => u.id)).toContain(made.body.id);

    const removed = await api(t.app.baseUrl, 'DELETE', `${USES}/${made.body.id}`, staff);
    expect(removed).toEqual({ status: 200, body: { removed: true } });
    expect((await api(t.app.baseUrl, 'GET', USES, staff)).body.data.map((u: { id: string }) => u.id)).not.toContain(made.body.id);
    expect((await api(t.app.baseUrl, 'DELETE', `${USES}/${made.body.id}`, staff)).status).toBe(404);

    const row = await t.app.db('earmark_uses').where({ id: made.body.id }).first();
    expect(row.removed_at).not.toBeNull();
    expect(row.text_en).toBe('12 bus tickets to the Oakland training');
    const audit = await t.app.db('audit_log').where({ entity_type: 'earmark_use', entity_id: made.body.id }).orderBy('id').pluck('action');
    expect(audit).toEqual(['earmark_use.record', 'earmark_use.remove']);
  });

  it('answers 422 naming the field, and stores nothing', async () => {
    const before = await t.app.db('earmark_uses').count({ n: '*' }).first();
    const cases: Array<[unknown, string]> = [
      [{ text: { en: 'Tickets' } }, 'text.es'],
      [{ text: { en: '   ', es: 'Boletos' } }, 'text.en'],
      [{ text: { en: 'Tickets', es: 'Boletos' }, amount: 11.4 }, 'amount'],
      [{ text: { en: 'Tickets', es: 'Boletos' }, amount: 0 }, 'amount'],
      [{ text: { en: 'Tickets', es: 'Boletos' }, amount: '1140' }, 'amount'],
      [{ text: { en: 'x'.repeat(501), es: 'Boletos' } }, 'text.en'],
    ];
    for (const [body, field] of cases) {
      const res = await api(t.app.baseUrl, 'POST', USES, staff, body);
      expect({ status: res.status, fields: res.body.error.fields.map((f: { field: string }) => f.field) }).toEqual({ status: 422, fields: [field] });
    }
    expect(await t.app.db('earmark_uses').count({ n: '*' }).first()).toEqual(before);
    const unknown = await api(t.app.baseUrl, 'POST', '/api/admin/campaigns/organizer-training/earmarks/nope/uses', staff, { text: { en: 'a', es: 'b' } });
    expect(unknown.status).toBe(404);
  });

  it('shows the latest uses beside the earmark in progress JSON, widget and form, escaped, in each language, with no names', async () => {
    const hostile = '<script>alert(1)</script> & "meals"';
    for (const [en, es, amount] of [
      ['Older: van rental', 'Antes: alquiler de furgoneta', null],
      [hostile, 'Comidas <b>para</b> 30', 4550],
      ['12 bus tickets to the Oakland training', '12 boletos de autobús al taller de Oakland', 114000],
    ] as const) {
      expect((await api(t.app.baseUrl, 'POST', USES, admin, { text: { en, es }, amount })).status).toBe(201);
    }
    const progress = await t.app.getJson('/api/campaigns/organizer-training/progress?lang=es');
    const travel = progress.body.earmarks.find((e: { code: string }) => e.code === 'travel');
    expect(travel).toMatchObject({ code: 'travel', label: 'Viajes', raised: expect.any(Number) });
    expect(travel.uses.slice(0, 2)).toEqual([
      { text: '12 boletos de autobús al taller de Oakland', amount: 114000, recordedAt: expect.any(String) },
      { text: 'Comidas <b>para</b> 30', amount: 4550, recordedAt: expect.any(String) },
    ]);
    // The date, to the millisecond, as stored (the progress reads it through json_agg, as text).
    const newest = await t.app.db('earmark_uses').where({ text_en: '12 bus tickets to the Oakland training' })
      .orderBy('recorded_at', 'desc').first('recorded_at');
    expect(travel.uses[0].recordedAt).toBe(new Date(newest.recorded_at).toISOString());
    expect(JSON.stringify(progress.body)).not.toMatch(/token|@example/);
    expect(progress.body.earmarks.find((e: { code: string }) => e.code === 'general').uses).toEqual([]);

    const widget = await page('/campaigns/organizer-training/widget?lang=en');
    expect(widget).toContain('What the money paid for');
    expect(widget).toContain('12 bus tickets to the Oakland training · $1,140.00');
    expect(widget).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;meals&quot; · $45.50');
    expect(widget).not.toContain('<script>alert(1)');
    expect(widget).not.toMatch(/token [a-z0-9]|recorded/i);

    const form = await page('/donate/organizer-training?lang=es');
    expect(form).toContain('En qué se usó el dinero');
    expect(form).toContain('12 boletos de autobús al taller de Oakland · 1140,00 US$');
    expect(form).toContain('Comidas &lt;b&gt;para&lt;/b&gt; 30');
    const formEn = await page('/donate/organizer-training?lang=en');
    expect(formEn).toContain('Older: van rental');
  });
});

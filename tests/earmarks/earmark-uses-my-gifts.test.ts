import { useAppWithStripe } from '../helpers/app-with-stripe';
import { api, bearer } from '../staff/staff-helpers';
import { getPage, monthlyGift, signIn } from '../supporters/my-gifts-helpers';

const t = useAppWithStripe();
const uses = (earmark: string) => `/api/admin/campaigns/organizer-training/earmarks/${earmark}/uses`;

describe('"my gifts" shows what the gift\'s earmark paid for', () => {
  it('lists the uses of that earmark since the gift, in the supporter\'s language, escaped, and nothing of other earmarks', async () => {
    const staff = await bearer(t.app.db, 'staff', 'demo-network');
    const before = await api(t.app.baseUrl, 'POST', uses('travel'), staff, { text: { en: 'Before the gift', es: 'Antes de la donación' } });
    expect(before.status).toBe(201);
    const { email } = await monthlyGift(t, { installments: 6, paid: 1 });
    const gift = await t.app.db('donations as d').join('supporters as s', 's.id', 'd.supporter_id').join('earmarks as e', 'e.id', 'd.earmark_id')
      .where('s.email', email).first('e.code');
    expect(gift.code).toBe('travel');
    await api(t.app.baseUrl, 'POST', uses('travel'), staff, { text: { en: 'Rent for the <training> hall', es: 'Alquiler del <salón>' }, amount: 80000 });
    await api(t.app.baseUrl, 'POST', uses('general'), staff, { text: { en: 'Bus tickets', es: 'Boletos de autobús' } });

    const en = await getPage(t, await signIn(t, email, 'en'), '/manage/gifts?lang=en');
    const html = en.html.replace(/\u00a0/g, ' ');
    expect(html).toContain('Since your gift, this earmark&#x27;s money paid for');
    expect(html).toContain('<li>Rent for the &lt;training&gt; hall · $800.00</li>');
    expect(html).not.toContain('Before the gift');
    expect(html).not.toContain('Bus tickets');
    expect(html).not.toMatch(/token [a-z0-9]{4}/);

    const es = await getPage(t, await signIn(t, email, 'es'), '/manage/gifts?lang=es');
    expect(es.html.replace(/\u00a0/g, ' ')).toContain('<li>Alquiler del &lt;salón&gt; · 800,00 US$</li>');
  });
});

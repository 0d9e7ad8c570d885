import { axeViolations, guardedContext, inPage, screenshots, useDemoAppAndBrowser } from './browser';

jest.setTimeout(90_000);

const t = useDemoAppAndBrowser();

beforeAll(async () => {
  const travel = await t.app.db('earmarks as e').join('campaigns as c', 'c.id', 'e.campaign_id')
    .where({ 'c.slug': 'organizer-training', 'e.code': 'travel' }).first('e.id', 'e.campaign_id');
  await t.app.db('earmark_uses').insert([
    { campaign_id: travel.campaign_id, earmark_id: travel.id, text_en: 'Van rental for the Fresno weekend', text_es: 'Alquiler de furgoneta para el fin de semana en Fresno', recorded_by: 'test', recorded_at: new Date(Date.now() - 86_400_000) },
    {
      campaign_id: travel.campaign_id, earmark_id: travel.id, amount: 114000, recorded_by: 'test',
      text_en: '12 bus tickets to the Oakland training <b>and</b> a-very-long-unbroken-word-that-must-wrap-inside-a-narrow-phone-screen',
      text_es: '12 boletos de autobús al taller de Oakland <b>y</b> una-palabra-muy-larga-sin-espacios-que-debe-caber-en-un-teléfono',
    },
  ]);
});

describe('what the money paid for, in a browser at 360 px', () => {
  for (const [route, name, heading] of [
    ['/donate/organizer-training?lang=es', 'form-uses-es', 'En qué se usó el dinero'],
    ['/campaigns/organizer-training/widget?lang=en', 'widget-uses-en', 'What the money paid for'],
  ] as const) {
    it(`${name}: shows the uses as text, fits the width, breaks no CSP rule and passes axe`, async () => {
      const g = await guardedContext(t.browser, [t.app.baseUrl], { viewport: { width: 360, height: 800 } });
      await g.page.goto(t.app.baseUrl + route);
      const uses = g.page.locator('.uses').first();
      expect(await uses.locator('.uses-heading').textContent()).toBe(heading);
      const items = await uses.locator('li').allTextContents();
      expect(items[0]).toMatch(/^12 (bus tickets|boletos de autobús) .*<b>.*1[,.]?140[,.]00/);
      expect(await g.page.locator('.uses b').count()).toBe(0);
      expect(await uses.isVisible()).toBe(true);
      expect(await inPage<number>(g.page, 'document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      expect(await axeViolations(g.page)).toEqual([]);
      await screenshots(g.page, name);
      expect(g.problems()).toEqual([]);
      await g.context.close();
    });
  }
});

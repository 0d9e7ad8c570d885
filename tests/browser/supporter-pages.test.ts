import { randomBytes } from 'node:crypto';
import { axeViolations, guardedContext, screenshots, useDemoAppAndBrowser } from './browser';

jest.setTimeout(90_000);

const t = useDemoAppAndBrowser();

async function supporterWithToken(): Promise<string> {
  const org = await t.app.db('organizations').where({ slug: 'demo-network' }).first('id');
  const token = randomBytes(32).toString('hex');
  await t.app.db('supporters').insert({
    organization_id: org.id, email: `page.${Date.now()}@example.org`, first_name: 'Ana', last_name: 'Pérez',
    locale: 'es', email_updates: true, unsubscribe_token: token,
  });
  return token;
}

describe('the pages a supporter reaches from an email, in a browser', () => {
  it('load nothing from another host, break no CSP rule, and pass axe: manage, unsubscribe, widget', async () => {
    const token = await supporterWithToken();
    const g = await guardedContext(t.browser, [t.app.baseUrl]);
    const { page } = g;

    await page.goto(`${t.app.baseUrl}/manage?lang=es`);
    expect(await page.locator('link[rel=stylesheet]').getAttribute('href')).toBe('/assets/colecta.css');
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'manage-es');
    await page.getByLabel('Correo electrónico').fill('nobody@example.org');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Enviarme un enlace' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Revise su correo');
    expect(await axeViolations(page)).toEqual([]);

    await page.goto(`${t.app.baseUrl}/unsubscribe/${token}`);
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'unsubscribe');
    expect(await t.app.db('supporters').where({ unsubscribe_token: token }).first('email_updates')).toEqual({ email_updates: false });

    await page.goto(`${t.app.baseUrl}/campaigns/organizer-training/widget?lang=es`);
    expect(await axeViolations(page)).toEqual([]);

    expect(g.problems()).toEqual([]);
    await g.context.close();
  });
});

import type { Browser } from 'playwright-core';
import { guardedContext, launchChromium, screenshots } from '../browser/browser';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { staffUser } from './staff-helpers';

const t = useAppWithStripe();
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('the staff workspace in a browser', () => {
  it('signs in, creates a campaign with three earmarks, records a check, sees the totals move, signs out', async () => {
    const user = await staffUser(t.app.db, 'staff', 'demo-network');
    // Records every request and CSP complaint: staff pages load nothing from elsewhere and break no policy.
    const { context, page, problems } = await guardedContext(browser, [t.app.baseUrl]);
    try {
      await page.goto(`${t.app.baseUrl}/admin`);
      await page.waitForURL(/\/admin\/sign-in/);
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/admin\/campaigns$/);
      const cookies = await context.cookies();
      expect(cookies.find((c) => c.name === 'colecta_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

      await page.getByRole('link', { name: 'New campaign' }).click();
      await page.getByLabel('Address (slug').fill('spring-gathering');
      await page.getByLabel('Title (English)').fill('Spring gathering <2027>');
      await page.getByLabel('Título (español)').fill('Encuentro de primavera');
      await page.getByLabel('Overall goal').fill('3000.00');
      await page.getByLabel('Status').selectOption('active');
      const rows: Array<[string, string, string, string]> = [
        ['training_fees', 'Training fees', 'Cuotas', '1000'],
        ['travel', 'Travel', 'Viajes', '1500.50'],
        ['housing_meals', 'Housing and meals', 'Alojamiento', ''],
      ];
      for (const [i, [code, en, es, goal]] of rows.entries()) {
        await page.getByLabel(`Earmark code ${i}`, { exact: true }).fill(code);
        await page.getByLabel(`Earmark label in English ${i}`, { exact: true }).fill(en);
        await page.getByLabel(`Earmark label in Spanish ${i}`, { exact: true }).fill(es);
        await page.getByLabel(`Earmark goal ${i}`, { exact: true }).fill(goal);
      }
      await page.getByRole('button', { name: 'Save the campaign' }).click();
      await page.waitForURL(/\/admin\/campaigns\/spring-gathering\?done=campaign-saved/);
      await expect(page.locator('h1').textContent()).resolves.toBe('Spring gathering <2027>');
      await expect(page.locator('#raised b').textContent()).resolves.toBe('$0.00');
      await expect(page.locator('#earmarks tbody tr').count()).resolves.toBe(3);
      await expect(page.locator('#embed-snippet').inputValue()).resolves
        .toBe('<script src="http://localhost:3000/embed.js" data-campaign="spring-gathering"></script>');

      await page.getByRole('link', { name: 'Record a check or cash' }).first().click();
      await page.getByLabel('Campaign and earmark').selectOption('spring-gathering:travel');
      await page.getByLabel('Amount').fill('250.00');
      await page.getByLabel('How it came').selectOption('check');
      await page.getByLabel('Check number').fill('5123');
      await page.getByLabel('First name').fill('Elena');
      await page.getByLabel('Last name').fill('Soto');
      await page.getByLabel('Email').fill('elena@example.org');
      await page.getByRole('button', { name: 'Record the gift' }).click();
      await page.waitForURL(/\/admin\/gifts\/\d+\?done=gift-recorded/);
      await expect(page.locator('.flash').textContent()).resolves.toMatch(/receipt number/);
      await expect(page.locator('h1').textContent()).resolves.toMatch(/^Gift \d{4}-\d{6}$/);

      await page.goto(`${t.app.baseUrl}/admin/campaigns/spring-gathering`);
      await expect(page.locator('#raised b').textContent()).resolves.toBe('$250.00');
      await expect(page.locator('#earmarks tbody tr', { hasText: 'Travel' }).textContent()).resolves.toMatch(/\$250\.00[\s\S]*\$1,500\.50[\s\S]*16%/);
      expect(await page.locator('link[rel=stylesheet]').getAttribute('href')).toBe('/assets/admin.css');
      await screenshots(page, 'admin-campaign');
      expect(problems()).toEqual([]);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/admin\/sign-in\?done=signed-out/);
      await page.goto(`${t.app.baseUrl}/admin/campaigns/spring-gathering`);
      await page.waitForURL(/\/admin\/sign-in\?next=/);
    } finally {
      await context.close();
    }
  }, 60_000);
});

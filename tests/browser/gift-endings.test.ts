import { axeViolations, guardedContext, useDemoAppAndBrowser } from './browser';

jest.setTimeout(90_000);

const t = useDemoAppAndBrowser();

describe('the monthly ending choice in the browser', () => {
  it('appears with "monthly", says the schedule for "until the goal", and passes axe', async () => {
    const g = await guardedContext(t.browser, [t.app.baseUrl]);
    const { page } = g;
    await page.goto(`${t.app.baseUrl}/donate/organizer-training?lang=en`);
    expect(await page.locator('#field-ends').isVisible()).toBe(false);

    await page.getByText('Give monthly', { exact: false }).first().click();
    expect(await page.locator('#field-ends').isVisible()).toBe(true);
    await page.getByLabel(/When the campaign reaches its goal/).check();
    await expect(page.locator('#schedule').textContent()).resolves.toMatch(/every month until the campaign reaches its goal$/);
    expect(await axeViolations(page)).toEqual([]);
  });
});

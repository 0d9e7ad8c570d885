import { axeViolations, guardedContext, screenshots, useDemoAppAndBrowser } from './browser';

jest.setTimeout(90_000);

const t = useDemoAppAndBrowser();

const raisedFor = async (code: string): Promise<number> =>
  (await t.app.getJson('/api/campaigns/organizer-training/progress')).body.earmarks.find((e: { code: string }) => e.code === code).raised;
const nbsp = (text: string | null) => (text ?? '').replace(/\u00a0/g, ' ');

describe('giving in the browser, demo mode', () => {
  it('an English one-time gift goes from the form through the demo Checkout to the thank-you page', async () => {
    const g = await guardedContext(t.browser, [t.app.baseUrl]);
    const { page } = g;
    const before = await raisedFor('travel');
    await page.goto(`${t.app.baseUrl}/donate/organizer-training?lang=en&earmark=travel`);
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'form-en');

    await page.locator('label[for="f-amount-2"]').click();
    expect(await page.getByLabel('$30.00').isChecked()).toBe(true);
    await page.getByLabel(/Add \$1\.2\d to cover/).check();
    expect(nbsp(await page.locator('#total').textContent())).toBe('Total: $31.20');
    await page.getByLabel(/First name/).fill('Ana');
    await page.getByLabel(/Last name/).fill('Pérez');
    await page.getByLabel(/^Email/).fill('ana.browser@example.org');
    await page.getByRole('button', { name: 'Continue to payment' }).click();

    await page.waitForURL(/\/demo\/checkout\/cs_demo_/);
    await expect(page.getByText('No money moves and no card is charged.').isVisible()).resolves.toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'demo-checkout-en');
    await page.getByRole('button', { name: 'Pay $31.20 (demo)' }).click();

    await page.waitForURL(/\/donate\/organizer-training\/thanks\?session_id=cs_demo_/);
    expect(nbsp(await page.locator('#thanks-given').textContent())).toBe('Your gift of $31.20 to Organizer training 2027 supports: Travel.');
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'thanks-en');
    expect(await raisedFor('travel')).toBe(before + 3120);
    expect(g.problems()).toEqual([]);
    await g.context.close();
  });

  it('a Spanish monthly gift of 6 payments shows its schedule in words and records payment 1 of 6', async () => {
    const g = await guardedContext(t.browser, [t.app.baseUrl], { locale: 'es-MX', extraHTTPHeaders: { 'accept-language': 'es-MX,es;q=0.9' } });
    const { page } = g;
    const before = await raisedFor('housing_meals');
    await page.goto(`${t.app.baseUrl}/donate/organizer-training`);
    expect(await page.locator('html').getAttribute('lang')).toBe('es');
    await page.getByLabel('Otra cantidad', { exact: true }).check({ force: true });
    await page.getByLabel(/Otra cantidad en USD/).fill('20');
    await page.getByLabel('Donar cada mes').check({ force: true });
    await page.getByLabel(/¿Cuántas veces/).fill('6');
    expect(nbsp(await page.locator('#schedule').textContent())).toMatch(/^6 pagos de 20,00 US\$, el último en \w+ de \d{4}$/);
    await page.getByLabel('Alojamiento y comidas').check();
    await page.getByLabel(/^Nombre/).fill('Lucía');
    await page.getByLabel(/^Apellido/).fill('Gómez');
    await page.getByLabel(/^Correo electrónico/).fill('lucia.browser@example.org');
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'form-es-monthly');
    await page.getByRole('button', { name: 'Continuar al pago' }).click();

    await page.waitForURL(/\/demo\/checkout\//);
    await page.getByRole('button', { name: /Iniciar 20,00\sUS\$ al mes/ }).click();
    await page.waitForURL(/\/thanks\?session_id=/);
    expect(nbsp(await page.locator('#thanks-schedule').textContent())).toMatch(/^6 pagos de 20,00 US\$, el último en \w+ de \d{4}$/);
    expect(await page.getByRole('link', { name: 'Administrar mi donación' }).getAttribute('href')).toBe('/manage?lang=es');
    await screenshots(page, 'thanks-es-monthly');
    expect(await raisedFor('housing_meals')).toBe(before + 2000);
    const [entry] = await t.app.db('ledger_entries').where({ gross: 2000 }).orderBy('id', 'desc').limit(1);
    expect(entry).toMatchObject({ kind: 'payment', installment: 1 });
    expect(g.problems()).toEqual([]);
    await g.context.close();
  });

  it('the progress widget passes axe and looks right', async () => {
    const g = await guardedContext(t.browser, [t.app.baseUrl]);
    await g.page.goto(`${t.app.baseUrl}/campaigns/organizer-training/widget?lang=en`);
    expect(await axeViolations(g.page)).toEqual([]);
    await screenshots(g.page, 'widget-en');
    expect(g.problems()).toEqual([]);
    await g.context.close();
  });
});

import { axeViolations, guardedContext, inPage, screenshots, useDemoAppAndBrowser } from './browser';

jest.setTimeout(90_000);

const t = useDemoAppAndBrowser();

describe('validation in the browser', () => {
  it('shows and announces errors beside their fields without a reload, and clears them as they are fixed', async () => {
    const g = await guardedContext(t.browser, [t.app.baseUrl]);
    const { page } = g;
    await page.goto(`${t.app.baseUrl}/donate/organizer-training?lang=en`);
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations.push(frame.url()); });

    await page.getByLabel(/^Email/).fill('ana@');
    await page.getByLabel(/First name/).focus(); // leaving the field checks it
    await expect(page.locator('#e-email').textContent()).resolves.toBe('Enter an email address, like name@example.org.');
    expect(await page.getByLabel(/^Email/).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel(/^Email/).getAttribute('aria-describedby')).toBe('e-email');

    await page.getByRole('button', { name: 'Continue to payment' }).click();
    const summary = page.getByRole('alert');
    await expect(summary.textContent()).resolves.toContain('Please correct the 3 fields marked below.');
    expect(await summary.getAttribute('aria-live')).toBe('assertive');
    expect(await inPage(page, 'document.activeElement.id')).toBe('error-summary');
    expect(await page.locator('#e-firstName').textContent()).toBe('Enter your first name.');
    expect(navigations).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'form-errors-en');

    await page.getByLabel(/^Email/).fill('ana@example.org');
    await expect(page.locator('#e-email').textContent()).resolves.toBe('');
    expect(await page.getByLabel(/^Email/).getAttribute('aria-invalid')).toBeNull();

    // The fee total follows the amount as it is typed.
    await page.getByLabel(/Other amount in USD/).fill('100');
    await page.getByLabel(/to cover the processing fees/).check();
    expect((await page.locator('#total').textContent())?.replace(/\u00a0/g, ' ')).toBe('Total: $103.30');
    expect(g.problems()).toEqual([]);
    await g.context.close();
  });

  it('works with JavaScript off: the server shows the messages, then a 303 leads to Checkout and the thank-you page', async () => {
    const g = await guardedContext(t.browser, [t.app.baseUrl], { javaScriptEnabled: false });
    const { page } = g;
    await page.goto(`${t.app.baseUrl}/donate/organizer-training?lang=es&amount=10`);
    await page.getByLabel(/^Nombre/).fill('Rosa');
    await page.getByLabel(/^Correo electrónico/).fill('rosa@');
    await page.getByRole('button', { name: 'Continuar al pago' }).click();
    await page.waitForLoadState();
    expect(await page.locator('#e-lastName').textContent()).toBe('Escriba su apellido.');
    expect(await page.locator('#e-email').textContent()).toBe('Escriba un correo electrónico, como nombre@ejemplo.org.');
    expect(await page.getByRole('alert').textContent()).toContain('Corrija los 2 campos marcados abajo.');
    expect(await page.getByLabel(/^Nombre/).inputValue()).toBe('Rosa');
    // (axe needs JavaScript; the same error markup, filled in by the script, passes axe in the test above.)
    await screenshots(page, 'form-errors-nojs-es');

    await page.getByLabel(/^Apellido/).fill('Luna');
    await page.getByLabel(/^Correo electrónico/).fill('rosa.nojs@example.org');
    await page.getByRole('button', { name: 'Continuar al pago' }).click();
    await page.waitForURL(/\/demo\/checkout\//);
    await page.getByRole('button', { name: /Pagar 10,00\sUS\$/ }).click();
    await page.waitForURL(/\/thanks\?session_id=/);
    expect((await page.locator('#thanks-given').textContent())?.replace(/\u00a0/g, ' '))
      .toBe('Su donación de 10,00 US$ a Capacitación de organizadores 2027 apoya: Donde más se necesite.');
    expect(g.problems()).toEqual([]);
    await g.context.close();
  });

  it('can be used with the keyboard alone, with a visible focus ring', async () => {
    const g = await guardedContext(t.browser, [t.app.baseUrl]);
    const { page } = g;
    await page.goto(`${t.app.baseUrl}/donate/organizer-training?lang=en`);
    await page.keyboard.press('Tab'); // the language link
    await page.keyboard.press('Tab'); // the amount radios
    expect(await inPage(page, 'document.activeElement.name')).toBe('amount');
    await page.keyboard.press('ArrowRight');
    expect(await page.getByLabel('$30.00').isChecked()).toBe(true);
    const outline = await inPage(page, `getComputedStyle(document.querySelector('label[for="f-amount-2"]')).outlineStyle`);
    expect(outline).toBe('solid');
    await g.context.close();
  });
});

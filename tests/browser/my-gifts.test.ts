import { createHash, randomBytes } from 'node:crypto';
import { buildCheckoutBody } from '../factories/checkout-body';
import { axeViolations, guardedContext, screenshots, useDemoAppAndBrowser } from './browser';

jest.setTimeout(120_000);

const t = useDemoAppAndBrowser();

/** A demo monthly gift of 6 payments, paid through the demo Checkout, and a sign-in link for its address. */
async function demoMonthlyGift(): Promise<{ email: string; donationId: string; link: string }> {
  const body = buildCheckoutBody({ frequency: 'monthly', installments: 6, amount: 2000, locale: 'es' });
  const res = await t.app.postJson('/api/checkout-sessions', body);
  expect(res.status).toBe(201);
  const paid = await fetch(`${t.app.baseUrl}/demo/checkout/${res.body.id}`, { method: 'POST', redirect: 'manual' });
  expect(paid.status).toBe(303);
  const email = (body.supporter as { email: string }).email;
  const donation = await t.app.db('donations').where({ stripe_checkout_session_id: res.body.id }).first('id', 'status');
  expect(donation.status).toBe('active');
  const token = randomBytes(32).toString('base64url');
  await t.app.db('manage_tokens').insert({ token_hash: createHash('sha256').update(token).digest('hex'), email, expires_at: new Date(Date.now() + 3_600_000) });
  return { email, donationId: donation.id, link: `${t.app.baseUrl}/manage/${token}?lang=es` };
}

describe('"my gifts" in a browser, demo mode, in Spanish at 360 px', () => {
  it('shows the gift and does every action with plain forms (no script on the page), passing axe and the CSP', async () => {
    const { donationId, link } = await demoMonthlyGift();
    const g = await guardedContext(t.browser, [t.app.baseUrl], { viewport: { width: 360, height: 800 } });
    const { page } = g;
    await page.goto(link);
    await page.waitForURL(/\/manage\/gifts\?lang=es/);
    expect(await page.locator('h1').textContent()).toBe('Mis donaciones');
    // Plain forms and links only: nothing here needs JavaScript.
    expect(await page.locator('script').count()).toBe(0);
    const gift = page.locator(`#gift-${donationId}`);
    expect(await gift.locator('.gift-count').textContent()).toBe('Pago 1 de 6');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'my-gifts-es');

    await gift.getByLabel(/Nuevo monto mensual/).fill('35');
    await gift.getByRole('button', { name: 'Guardar' }).first().click();
    await page.waitForURL(/done=amount/);
    expect(await page.locator('#gifts-done').textContent()).toContain('Su nuevo monto está guardado');
    expect(await gift.locator('dd').first().textContent()).toMatch(/35,00/);

    await gift.getByLabel('Pausar por').selectOption('2');
    await gift.getByRole('button', { name: 'Pausar' }).click();
    await page.waitForURL(/done=pause/);
    expect(await gift.locator('.gift-status').textContent()).toMatch(/^En pausa \(En pausa hasta el \d+ de \w+ de \d{4}\)$/);
    await gift.getByRole('button', { name: 'Reanudar ahora' }).click();
    await page.waitForURL(/done=resume/);
    expect(await gift.locator('.gift-status').textContent()).toBe('Activa');

    await gift.getByRole('button', { name: 'Actualizar mi tarjeta' }).click();
    await page.waitForURL(/\/demo\/checkout\/cs_demo_/);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Guardar esta tarjeta (demostración)' }).click();
    await page.waitForURL(/done=card/);
    expect(await gift.locator('.gift-changes').textContent()).toContain('Tarjeta nueva en uso, terminada en 4444');
    expect(await page.locator('#gifts-done').textContent()).toContain('Su tarjeta está actualizada');

    await gift.getByRole('link', { name: 'Cancelar esta donación mensual…' }).click();
    await page.waitForURL(/\/cancel\?lang=es/);
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'my-gifts-cancel-es');
    await page.getByRole('button', { name: 'Sí, cancelar mi donación mensual' }).click();
    await page.waitForURL(/done=cancel/);
    expect(await gift.locator('.gift-status').textContent()).toBe('Cancelada');
    expect(await gift.getByRole('button', { name: 'Pausar' }).count()).toBe(0);

    await page.locator('a', { hasText: /^Recibo / }).first().click();
    expect(await page.locator('h1').textContent()).toMatch(/^Recibo \d{4}-\d{6}$/);
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'receipt-page-es');

    const kinds = await t.app.db('gift_changes').where({ donation_id: donationId }).orderBy('id').pluck('kind');
    expect(kinds).toEqual(['amount', 'pause', 'resume', 'card', 'card', 'cancel']);
    expect(await t.app.db('donations').where({ id: donationId }).first('status', 'amount')).toEqual({ status: 'cancelled', amount: 3500 });
    expect(g.problems()).toEqual([]);
    await g.context.close();
  });
});

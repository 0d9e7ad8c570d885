import type { Browser } from 'playwright-core';
import { createSetupLink } from '../../src/setup/setup-service';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { axeViolations, guardedContext, launchChromium, screenshots } from './browser';

jest.setTimeout(180_000);

const PASSWORD = 'a long first-run password';
const harness = {} as { app: TestApp; browser: Browser; smtp: SmtpSink };

beforeAll(async () => {
  harness.smtp = await startSmtpSink();
  [harness.app, harness.browser] = await Promise.all([
    startTestApp({ demo: true, empty: true, env: { SMTP_URL: harness.smtp.url } }), launchChromium(),
  ]);
});
afterAll(async () => {
  await harness.browser?.close();
  await harness.app?.close();
  await harness.smtp?.close();
});

const yearIn = (timeZone: string, at: Date) => new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }).format(at);

describe('going live from nothing to a first gift, in Chromium', () => {
  it('sets up the sponsor and organizations, invites staff over SMTP, and receipts a Spanish gift with the sponsor\'s identity', async () => {
    const { app, browser, smtp } = harness;
    const link = await createSetupLink(app.db, app.baseUrl);
    expect(link).toBeTruthy();

    // 1. The setup link: the sponsor, the first organization, the first admin.
    const admin = await guardedContext(browser, [app.baseUrl]);
    await admin.page.goto(String(link));
    expect(await axeViolations(admin.page)).toEqual([]);
    await screenshots(admin.page, 'setup');
    const p = admin.page;
    await p.getByLabel('Legal name').fill('Cascadia Community Fiscal Sponsor, Inc.');
    await p.getByLabel('EIN').fill('12 3456789');
    await p.getByLabel('Postal address').fill('200 Pine Street, Seattle, WA 98101');
    await p.getByLabel('Contact email').fill('books@cascadia.example');
    await p.getByLabel(/Receipt statement in Spanish/).fill('No se entregaron bienes ni servicios a cambio de esta donación. Deducible según la ley.');
    await p.locator('#org_name').fill('Seattle Immigrant Network');
    await p.locator('#org_slug').fill('seattle-network');
    await p.locator('#org_time_zone').fill('America/Los_Angeles');
    await p.getByLabel('Your email').fill('lead@cascadia.example');
    await p.getByLabel(/^Password/).fill(PASSWORD);
    await p.getByLabel('The same again').fill(PASSWORD);
    await p.getByRole('button', { name: /Set up/ }).click();
    // A malformed EIN is named beside its field, and what was typed stays.
    await expect(p.locator('#sponsor_ein_error').textContent()).resolves.toMatch(/NN-NNNNNNN/);
    expect(await p.locator('#org_slug').inputValue()).toBe('seattle-network');
    await screenshots(p, 'setup-error');
    expect(await app.db('sponsor').first()).toBeUndefined();
    await p.getByLabel('EIN').fill('12-3456789');
    await p.getByLabel(/^Password/).fill(PASSWORD);
    await p.getByLabel('The same again').fill(PASSWORD);
    await p.getByRole('button', { name: /Set up/ }).click();
    await p.waitForURL(/\/admin\/campaigns\/new/);

    // 2. A second organization, in its own time zone.
    await p.goto(`${app.baseUrl}/admin/organizations`);
    await p.getByLabel('Name', { exact: true }).fill('Valle Farmworker Chapter');
    await p.getByLabel('Slug').fill('valle-chapter');
    await p.getByLabel('Time zone').fill('Pacific/Auckland');
    await p.getByRole('button', { name: 'Create the organization' }).click();
    await p.waitForURL(/\/admin\/organizations\/valle-chapter\?done=created/);
    expect(await axeViolations(p)).toEqual([]);
    await screenshots(p, 'organization-created');
    await p.goto(`${app.baseUrl}/admin/organizations`);
    expect(await axeViolations(p)).toEqual([]);
    await screenshots(p, 'organizations');
    await p.goto(`${app.baseUrl}/admin/sponsor`);
    expect(await axeViolations(p)).toEqual([]);
    await screenshots(p, 'sponsor');

    // 3. Invite a staff member of the second organization; the invitation arrives over SMTP.
    await p.goto(`${app.baseUrl}/admin/users`);
    await p.getByLabel('Email', { exact: true }).fill('rosa@valle.example');
    await p.locator('#role').selectOption('staff');
    await p.locator('#organization').selectOption('valle-chapter');
    await p.getByRole('button', { name: 'Send the invitation' }).click();
    await p.waitForURL(/done=invited/);
    expect(await axeViolations(p)).toEqual([]);
    await screenshots(p, 'users');
    await app.drainOutbox();
    const [invitation] = smtp.to('rosa@valle.example');
    const inviteLink = /https?:\/\/\S+\/admin\/reset\?token=[\w-]+/.exec(String(invitation?.text))?.[0];
    expect(inviteLink).toBeTruthy();
    expect(JSON.stringify(await app.db('emails').where({ recipient: 'rosa@valle.example' }).select('*'))).toContain('staff_invitation');

    const staff = await guardedContext(browser, [app.baseUrl]);
    const s = staff.page;
    await s.goto(String(inviteLink));
    await s.getByLabel(/New password/).fill('rosa has a long password');
    await s.getByLabel('The same again').fill('rosa has a long password');
    await s.getByRole('button', { name: 'Set the password' }).click();
    await s.waitForURL(/done=password-set/);
    await s.goto(String(inviteLink));
    await expect(s.getByText('This link has expired or was already used.').isVisible()).resolves.toBe(true);

    // 4. That staff member creates a campaign with three earmarks.
    await s.goto(`${app.baseUrl}/admin/sign-in`);
    await s.getByLabel('Email').fill('rosa@valle.example');
    await s.getByLabel('Password').fill('rosa has a long password');
    await s.getByRole('button', { name: 'Sign in' }).click();
    await s.goto(`${app.baseUrl}/admin/campaigns/new`);
    await s.getByLabel(/Address \(slug/).fill('valle-training');
    await s.getByLabel('Title (English)').fill('Valle organizer training');
    await s.getByLabel('Título (español)').fill('Capacitación de organizadores del Valle');
    await s.getByLabel('Status').selectOption('active');
    const earmarks = [['training_fees', 'Training fees', 'Cuotas de capacitación'], ['travel', 'Travel', 'Viajes'], ['housing_meals', 'Housing and meals', 'Alojamiento y comidas']];
    for (const [i, [code, en, es]] of earmarks.entries()) {
      await s.getByLabel(`Earmark code ${i}`, { exact: true }).fill(String(code));
      await s.getByLabel(`Earmark label in English ${i}`, { exact: true }).fill(String(en));
      await s.getByLabel(`Earmark label in Spanish ${i}`, { exact: true }).fill(String(es));
    }
    await s.getByRole('button', { name: 'Save the campaign' }).click();
    await s.waitForURL(/\/admin\/campaigns\/valle-training/);
    const campaign = await app.db('campaigns as c').join('organizations as o', 'o.id', 'c.organization_id')
      .where('c.slug', 'valle-training').first('o.slug');
    expect(campaign.slug).toBe('valle-chapter');
    expect(await app.db('earmarks as e').join('campaigns as c', 'c.id', 'e.campaign_id').where('c.slug', 'valle-training').pluck('e.code'))
      .toEqual(expect.arrayContaining(['training_fees', 'travel', 'housing_meals']));

    // 5. A gift in Spanish, and its receipt.
    const donor = await guardedContext(browser, [app.baseUrl], { locale: 'es-MX', extraHTTPHeaders: { 'accept-language': 'es-MX,es;q=0.9' } });
    const d = donor.page;
    await d.goto(`${app.baseUrl}/donate/valle-training?lang=es`);
    await expect(d.getByText(/Cascadia Community Fiscal Sponsor, Inc\./).first().isVisible()).resolves.toBe(true);
    await d.getByLabel('Otra cantidad', { exact: true }).check({ force: true });
    await d.getByLabel(/Otra cantidad en USD/).fill('25');
    await d.getByLabel('Viajes').check();
    await d.getByLabel(/^Nombre/).fill('Lucía');
    await d.getByLabel(/^Apellido/).fill('Gómez');
    await d.getByLabel(/^Correo electrónico/).fill('lucia@example.org');
    await d.getByRole('button', { name: 'Continuar al pago' }).click();
    await d.waitForURL(/\/demo\/checkout\//);
    await d.getByRole('button', { name: /Pagar/ }).click();
    await d.waitForURL(/\/thanks\?session_id=/);
    await app.drainOutbox();
    const [receipt] = smtp.to('lucia@example.org');
    const text = String(receipt?.text);
    const entry = await app.db('ledger_entries').where({ kind: 'payment' }).first('receipt_number', 'occurred_at');
    expect(entry.receipt_number).toBe(`${yearIn('Pacific/Auckland', new Date(entry.occurred_at))}-000001`);
    for (const expected of ['Cascadia Community Fiscal Sponsor, Inc.', '12-3456789', '200 Pine Street, Seattle, WA 98101',
      'No se entregaron bienes ni servicios', 'Valle Farmworker Chapter', 'patrocinio fiscal', entry.receipt_number]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toMatch(/Demo/);
    for (const g of [admin, staff, donor]) {
      expect(g.problems()).toEqual([]);
      await g.context.close();
    }
  });
});

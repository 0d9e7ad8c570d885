import { useAppWithStripe } from '../helpers/app-with-stripe';
import { donationIdForSession, donationRow } from '../helpers/ledger-queries';
import { formFields, postForm } from './form-post';

const t = useAppWithStripe();
const page = async (route: string, headers: Record<string, string> = {}) => {
  const res = await fetch(t.app.baseUrl + route, { headers });
  // Intl puts a no-break space between a Spanish amount and its currency.
  return { status: res.status, headers: res.headers, text: (await res.text()).replace(/\u00a0/g, ' ') };
};

describe('GET /donate/:campaign', () => {
  it('renders every control in English, with the sponsor line, tax statement and earmark progress', async () => {
    const { status, text, headers } = await page('/donate/organizer-training?lang=en');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/text\/html/);
    for (const amount of ['$10.00', '$20.00', '$30.00']) expect(text).toContain(amount);
    expect(text).toContain('name="otherAmount"');
    expect(text).toContain('Would you like to make regular donations?');
    expect(text).toContain('How many times would you like this to recur? (including this payment)');
    for (const code of ['training_fees', 'travel', 'housing_meals', 'general']) expect(text).toContain(`value="${code}"`);
    expect(text).toContain('$0.00 raised of $2,000.00');
    expect(text).toMatch(/name="coverFees"[\s\S]*Add \$0\.91 to cover/);
    expect(text).toContain('name="anonymous"');
    expect(text).toContain('name="emailUpdates"');
    for (const name of ['firstName', 'lastName', 'email']) expect(text).toMatch(new RegExp(`name="${name}"[^>]*required aria-required="true"`));
    for (const name of ['phone', 'addressLine1', 'city', 'postalCode', 'country', 'note']) expect(text).toContain(`name="${name}"`);
    expect(text).toContain('You are donating to: Demo Fiscal Sponsor, Inc. – Demo Immigrant Rights Network');
    expect(text).toContain('tax deductible');
    expect(text).toContain('name="website"');
    expect(text).not.toMatch(/<script(?![^>]*src=)/);
  });

  it('speaks Spanish from Accept-Language and preselects earmark, amount and frequency from the query', async () => {
    const { text } = await page('/donate/organizer-training?earmark=housing_meals&amount=25&frequency=monthly', { 'accept-language': 'es-MX,es;q=0.9' });
    expect(text).toContain('<html lang="es">');
    expect(text).toContain('¿Desea hacer donaciones regulares?');
    expect(text).toMatch(/value="housing_meals" checked/);
    expect(text).toMatch(/value="monthly" checked/);
    expect(text).toMatch(/name="otherAmount"[^>]*value="25.00"/);
    expect(text).toContain('25,00 US$ cada mes hasta que lo cancele');
  });

  it('escapes what organizations type and lets only their listed origins frame the form', async () => {
    await t.app.db('organizations').update({ name: '<img src=x onerror=alert(1)>', embed_origins: ['https://network.example', 'javascript:alert(1)'] });
    try {
      const { text, headers } = await page('/donate/organizer-training');
      expect(text).not.toContain('<img src=x');
      expect(text).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
      const csp = headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'self' https://network.example");
      expect(csp).not.toContain('javascript:');
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("script-src 'self'");
      expect(headers.get('x-frame-options')).toBeNull();
    } finally {
      await t.app.db('organizations').update({ name: 'Demo Immigrant Rights Network', embed_origins: [] });
    }
  });

  it('answers 404 for an unknown campaign', async () => {
    expect((await page('/donate/no-such-campaign')).status).toBe(404);
  });
});

describe('POST /donate/:campaign (the form without JavaScript)', () => {
  it('opens Checkout through the checkout service and answers 303 to its url', async () => {
    const res = await postForm(t.app.baseUrl, '/donate/organizer-training?lang=es', formFields({
      amount: 'other', otherAmount: '20', frequency: 'monthly', installments: '6', coverFees: '1', emailUpdates: '1',
    }));
    expect(res.status).toBe(303);
    const sessionId = /\/c\/pay\/(cs_[\w]+)/.exec(res.location ?? '')?.[1] ?? '';
    expect(res.location).toBe(`https://checkout.stripe.com/c/pay/${sessionId}`);
    const donation = await donationRow(t.app.db, await donationIdForSession(t.app.db, sessionId));
    expect(donation).toMatchObject({ amount: 2000, charge_amount: 2091, frequency: 'monthly', installments: 6, locale: 'es', cover_fees: true });
    const [create] = t.stripe.calls('POST', '/v1/checkout/sessions');
    expect(create?.body).toMatchObject({ mode: 'subscription', locale: 'es' });
  });

  it('shows the form again (422) with messages beside the fields, in the supporter\'s language', async () => {
    const res = await postForm(t.app.baseUrl, '/donate/organizer-training?lang=es', formFields({
      amount: 'other', otherAmount: 'lots', email: 'ana@', firstName: '', frequency: 'monthly', installments: '1', note: 'kept',
    }));
    expect(res.status).toBe(422);
    res.text = res.text.replace(/\u00a0/g, ' ');
    expect(res.text).toMatch(/id="f-email"[^>]*aria-describedby="e-email" aria-invalid="true"/);
    expect(res.text).toContain('<p class="error" id="e-email">Escriba un correo electrónico, como nombre@ejemplo.org.</p>');
    expect(res.text).toContain('<p class="error" id="e-firstName">Escriba su nombre.</p>');
    expect(res.text).toContain('Escriba una cantidad entre 1,00 US$ y 10.000,00 US$.');
    expect(res.text).toContain('id="e-installments">Escriba un número de pagos de 2 a 60');
    expect(res.text).toMatch(/role="alert" aria-live="assertive"[^>]*>.*Corrija los 4 campos/);
    expect(res.text).toContain('>kept</textarea>');
    expect(t.stripe.calls('POST', '/v1/checkout/sessions')).toHaveLength(0);
  });

  it('refuses an amount outside the campaign\'s limits with the limits in the message', async () => {
    const res = await postForm(t.app.baseUrl, '/donate/organizer-training?lang=en', formFields({ amount: 'other', otherAmount: '0.50' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('<p class="error" id="e-amount">Enter an amount between $1.00 and $10,000.00.</p>');
  });

  it('answers the page\'s script in JSON: 201 with the url, or 422 with field messages', async () => {
    const ok = await postForm(t.app.baseUrl, '/donate/organizer-training', formFields(), { accept: 'application/json' });
    expect(ok.status).toBe(201);
    expect(JSON.parse(ok.text).url).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    const bad = await postForm(t.app.baseUrl, '/donate/organizer-training?lang=en', formFields({ lastName: '' }), { accept: 'application/json' });
    expect(bad.status).toBe(422);
    expect(JSON.parse(bad.text)).toEqual({ errors: { lastName: 'Enter your last name.' } });
  });

  it('opens no checkout when the honeypot is filled', async () => {
    const res = await postForm(t.app.baseUrl, '/donate/organizer-training', formFields({ website: 'http://spam.example' }));
    expect(res.status).toBe(422);
    expect(t.stripe.calls('POST', '/v1/checkout/sessions')).toHaveLength(0);
    expect(res.text).not.toContain('spam.example');
  });
});

describe('assets', () => {
  it('serves embed.js under 3 KB to any page, and the form\'s CSS and script from our host', async () => {
    const embed = await page('/embed.js');
    expect(embed.status).toBe(200);
    expect(Buffer.byteLength(embed.text)).toBeLessThan(3072);
    expect(embed.headers.get('content-type')).toMatch(/javascript/);
    expect(embed.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect((await page('/assets/colecta.css')).status).toBe(200);
    expect((await page('/assets/donate.js')).status).toBe(200);
  });
});

describe('optional fields an organization does not ask for', () => {
  afterEach(() => t.app.db('organizations').update({ ask_phone: true, ask_address: true, ask_note: true }));

  it('are not shown, are dropped from the form, and are refused by the JSON API', async () => {
    await t.app.db('organizations').update({ ask_phone: false, ask_address: false, ask_note: false });
    const { text } = await page('/donate/organizer-training?lang=en');
    for (const name of ['phone', 'addressLine1', 'city', 'postalCode', 'note']) expect(text).not.toContain(`name="${name}"`);
    expect(text).toContain('name="email"');

    const email = `no.phone.${Date.now()}@example.org`;
    const res = await postForm(t.app.baseUrl, '/donate/organizer-training', formFields({ email, phone: '+1 206 555 0100', note: 'hi', addressLine1: '1 Main', city: 'X', postalCode: '1', country: 'US' }));
    expect(res.status).toBe(303);
    const supporter = await t.app.db('supporters').where({ email }).first();
    expect(supporter).toMatchObject({ phone: null, address_line1: null });
    const donation = await t.app.db('donations').where({ supporter_id: supporter.id }).first();
    expect(donation.note).toBeNull();

    const { buildCheckoutBody } = await import('../factories/checkout-body');
    const api = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody());
    expect(api.status).toBe(422);
    expect(api.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['note', 'supporter.address', 'supporter.phone']);
  });
});

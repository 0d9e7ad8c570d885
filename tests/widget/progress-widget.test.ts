import http from 'node:http';
import { useAppWithStripe } from '../helpers/app-with-stripe';
import { buildCheckoutBody } from '../factories/checkout-body';

const t = useAppWithStripe();

async function widget(query = '', headers: Record<string, string> = {}) {
  const res = await fetch(`${t.app.baseUrl}/campaigns/organizer-training/widget${query}`, { headers });
  return { status: res.status, headers: res.headers, text: (await res.text()).replace(/\u00a0/g, ' ') };
}

/** fetch() adds Cache-Control: no-cache to a conditional request, which rightly defeats a 304; a browser cache does not. */
function conditionalStatus(url: string, etag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { 'if-none-match': etag } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('GET /campaigns/:campaign/widget', () => {
  it('shows overall and per-earmark progress in English and Spanish, and no supporter names', async () => {
    const body = buildCheckoutBody({ amount: 5000, earmark: 'travel' });
    const checkout = await t.app.postJson('/api/checkout-sessions', { ...body, supporter: { ...(body.supporter as object), firstName: 'Zelda' } });
    const { session } = t.stripe.payOneTime(checkout.body.id);
    await t.app.deliver('checkout.session.completed', session);

    const en = await widget('?lang=en');
    expect(en.status).toBe(200);
    expect(en.text).toContain('$50.00 raised of $6,500.00');
    expect(en.text).toContain('$50.00 raised of $2,000.00');
    expect(en.text).toContain('1 supporter<');
    expect(en.text).not.toContain('Zelda');
    expect(en.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    const es = await widget('?lang=es');
    expect(es.text).toContain('50,00 US$ recaudados de 2000,00 US$');
  });

  it('answers 304 to a matching ETag and reuses its render for a few seconds', async () => {
    const first = await widget('?lang=en');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(await conditionalStatus(`${t.app.baseUrl}/campaigns/organizer-training/widget?lang=en`, etag)).toBe(304);

    // A new gift inside the cache interval does not reach the widget until it expires.
    const checkout = await t.app.postJson('/api/checkout-sessions', buildCheckoutBody({ amount: 7000 }));
    await t.app.deliver('checkout.session.completed', t.stripe.payOneTime(checkout.body.id).session);
    expect((await widget('?lang=en')).headers.get('etag')).toBe(etag);
    await new Promise((resolve) => setTimeout(resolve, 5200));
    const later = await widget('?lang=en');
    expect(later.headers.get('etag')).not.toBe(etag);
    expect(later.text).toContain('$120.00 raised of $6,500.00');
  });

  it('answers 404 for an unknown campaign', async () => {
    const res = await fetch(`${t.app.baseUrl}/campaigns/nope/widget`);
    expect(res.status).toBe(404);
  });
});

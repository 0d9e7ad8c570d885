import { useAppWithStripe } from '../helpers/app-with-stripe';
import { api, bearer, ensureOtherOrganization, signIn, staffUser, type Browserless } from './staff-helpers';

const t = useAppWithStripe();
const sessions = {} as Record<'sponsor' | 'staffOwn', Browserless>;

beforeAll(async () => {
  await ensureOtherOrganization(t.app.db);
  const sponsor = await staffUser(t.app.db, 'sponsor');
  const own = await staffUser(t.app.db, 'staff', 'demo-network');
  sessions.sponsor = await signIn(t.app.baseUrl, sponsor.email, sponsor.password);
  sessions.staffOwn = await signIn(t.app.baseUrl, own.email, own.password);
  await api(t.app.baseUrl, 'POST', '/api/admin/offline-donations', await bearer(t.app.db, 'admin'), {
    campaign: 'organizer-training', earmark: 'travel', amount: 4200, method: 'check', checkNumber: '77', receivedOn: '2026-11-02',
    supporter: { firstName: 'Ana', lastName: 'Export', email: 'ana.export@example.org' },
  });
});

const get = async (who: keyof typeof sessions, route: string) => {
  const res = await fetch(`${t.app.baseUrl}${route}`, { headers: { cookie: sessions[who].cookie }, redirect: 'manual' });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, location: res.headers.get('location'), type: res.headers.get('content-type'), bytes, text: bytes.toString('utf8') };
};

describe('/admin/exports', () => {
  it('renders for the sponsor, linked from the navigation, with organizations, campaigns and the payouts list', async () => {
    const page = await get('sponsor', '/admin/exports');
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/admin/exports"');
    expect(page.text).toContain('action="/admin/exports/donations"');
    expect(page.text).toMatch(/<option value="demo-network">/);
    expect(page.text).toMatch(/<option value="organizer-training">/);
    expect(page.text).toContain('name="bom" value="1"');
    expect(page.text).toContain('href="/api/admin/exports/payouts.csv"');
    expect(page.text).not.toContain('<script');
  });

  it('sends the form to the CSV with only the filled fields, and the CSV opens with the same session', async () => {
    const form = new URLSearchParams({ from: '2026-11-01', to: '2026-11-30', organization: 'demo-network', campaign: '', bom: '1' });
    const answer = await get('sponsor', `/admin/exports/donations?${form}`);
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/api/admin/exports/donations.csv?from=2026-11-01&to=2026-11-30&organization=demo-network&bom=1');
    const csv = await get('sponsor', answer.location as string);
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.text).toContain('ana.export@example.org');
  });

  it('answers a bad range with the message beside the field, not a download', async () => {
    const answer = await get('sponsor', '/admin/exports/donations?from=2026-11-30&to=2026-11-01');
    expect(answer.status).toBe(422);
    expect(answer.text).toContain('must not be before from');
  });

  it('shows staff their own campaigns, no organization choice and no payouts', async () => {
    const page = await get('staffOwn', '/admin/exports');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('name="organization"');
    expect(page.text).not.toContain('other-campaign');
    expect(page.text).not.toContain('payouts.csv');
    const answer = await get('staffOwn', '/admin/exports/donations?from=2026-11-01&to=2026-11-30&campaign=organizer-training');
    expect(answer.location).toBe('/api/admin/exports/donations.csv?from=2026-11-01&to=2026-11-30&campaign=organizer-training');
  });

  it('sends someone not signed in to the sign-in page', async () => {
    const res = await fetch(`${t.app.baseUrl}/admin/exports`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/admin\/sign-in/);
  });
});

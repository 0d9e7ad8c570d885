import { startTestApp, type TestApp } from '../helpers/test-app';
import { bearer } from '../staff/staff-helpers';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

interface Made { id: string; token: string }

async function post(headers: Record<string, string>, body: unknown): Promise<{ status: number; body: Made }> {
  const res = await fetch(`${app.baseUrl}/api/admin/tokens`, {
    method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Made };
}

describe('API tokens expire', () => {
  it('gives every token made through the API an expiry, 90 days unless asked, a year at most', async () => {
    const admin = await bearer(app.db, 'admin');
    const made = await post(admin, { role: 'sponsor' });
    expect(made.status).toBe(201);
    const row = await app.db('api_tokens').where({ id: made.body.id }).first('expires_at');
    const days = (new Date(row.expires_at).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
    expect((await post(admin, { role: 'sponsor', expiresInDays: 400 })).status).toBe(422);
  });

  it('refuses a token once it has expired, with no data', async () => {
    const admin = await bearer(app.db, 'admin');
    const made = await post(admin, { role: 'sponsor', expiresInDays: 1 });
    const token = { authorization: `Bearer ${made.body.token}` };
    expect((await fetch(`${app.baseUrl}/api/admin/campaigns`, { headers: token })).status).toBe(200);
    await app.db('api_tokens').where({ id: made.body.id }).update({ expires_at: new Date(Date.now() - 1000) });
    const refused = await fetch(`${app.baseUrl}/api/admin/campaigns`, { headers: token });
    expect(refused.status).toBe(401);
    expect(Object.keys((await refused.json()) as object)).toEqual(['error']);
  });
});

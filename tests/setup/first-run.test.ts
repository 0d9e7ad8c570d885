import { firstRunMessages } from '../../src/setup/first-run';
import { setupLinkIsValid } from '../../src/setup/setup-service';
import { createTestDb, type TestDb } from '../helpers/test-db';

const count = async (testDb: TestDb, table: string) => Number((await testDb.db(table).count('* as n').first())?.n);

describe('the first start on an empty database', () => {
  let testDb: TestDb;
  beforeEach(async () => {
    testDb = await createTestDb();
  });
  afterEach(() => testDb.destroy());

  it('with a Stripe key prints a one-time /admin/setup link and creates nothing named Demo', async () => {
    const lines = await firstRunMessages(testDb.db, { publicUrl: 'https://give.example', demoMode: false });
    const link = lines.at(-1) ?? '';
    expect(link).toMatch(/^https:\/\/give\.example\/admin\/setup\?token=[\w-]{43}$/);
    expect(lines.join('\n')).not.toMatch(/demo/i);
    expect([await count(testDb, 'organizations'), await count(testDb, 'sponsor'), await count(testDb, 'staff_users')]).toEqual([0, 0, 0]);
    const token = new URL(link).searchParams.get('token') as string;
    expect(await setupLinkIsValid(testDb.db, token)).toBe(true);
    expect(await setupLinkIsValid(testDb.db, `${token}x`)).toBe(false);
    expect(JSON.stringify(await testDb.db('setup_links').select('*'))).not.toContain(token);
  });

  it('in demo mode creates the demo, its sponsor and a first admin, and no setup link', async () => {
    const lines = await firstRunMessages(testDb.db, { publicUrl: 'http://localhost:3000', demoMode: true });
    expect(lines.join('\n')).toMatch(/Demo campaign created/);
    expect(lines.join('\n')).not.toMatch(/admin\/setup/);
    expect((await testDb.db('sponsor').first()).legal_name).toBe('Demo Fiscal Sponsor, Inc.');
    expect(await firstRunMessages(testDb.db, { publicUrl: 'http://localhost:3000', demoMode: true })).toEqual([]);
  });
});

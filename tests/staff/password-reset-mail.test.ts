import { queuedPasswordReset } from '../../src/staff/password-reset-mail';
import { createTestDb, type TestDb } from '../helpers/test-db';

describe('password reset mail', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.destroy());

  it('queues a link once however often it is sent, and each new link once more', async () => {
    const send = queuedPasswordReset(t.db);
    await send({ email: 'staff@example.org' }, 'https://give.example/admin/reset?token=first-token');
    await send({ email: 'staff@example.org' }, 'https://give.example/admin/reset?token=first-token');
    await send({ email: 'staff@example.org' }, 'https://give.example/admin/reset?token=second-token');
    const rows = await t.db('emails').orderBy('id').select('template', 'recipient', 'status', 'data');
    expect(rows.map((r) => [r.template, r.recipient, r.status, r.data.link])).toEqual([
      ['password_reset', 'staff@example.org', 'queued', 'https://give.example/admin/reset?token=first-token'],
      ['password_reset', 'staff@example.org', 'queued', 'https://give.example/admin/reset?token=second-token'],
    ]);
  });
});

import { queuedPasswordReset } from '../../src/staff/password-reset-mail';
import { createUser } from '../../src/staff/user-service';
import { createTestDb, type TestDb } from '../helpers/test-db';

describe('password reset mail', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.destroy());

  it('queues one message per request, naming a reset row that has no token until the message is sent', async () => {
    const user = await createUser(t.db, { email: 'staff@example.org', role: 'admin', password: 'correct horse battery staple' });
    const send = queuedPasswordReset(t.db);
    await send({ email: 'staff@example.org', userId: user.id });
    await send({ email: 'staff@example.org', userId: user.id });
    const rows = await t.db('emails').orderBy('id').select('template', 'recipient', 'status', 'data');
    expect(rows.map((r) => [r.template, r.recipient, r.status, Object.keys(r.data)])).toEqual([
      ['password_reset', 'staff@example.org', 'queued', ['resetId']],
      ['password_reset', 'staff@example.org', 'queued', ['resetId']],
    ]);
    const resets = await t.db('password_reset_tokens').whereIn('id', rows.map((r) => r.data.resetId)).select('token_hash');
    expect(resets).toEqual([{ token_hash: null }, { token_hash: null }]);
  });
});

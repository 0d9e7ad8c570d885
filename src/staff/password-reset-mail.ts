import type { Knex } from 'knex';
import type { SendPasswordReset } from './staff-context';
import { hashSecret } from './user-service';

export const PASSWORD_RESET_MINUTES = 60;

/**
 * Queues the reset link through the outbox (sent, retried and recorded like every other
 * message), keyed by the reset token's stored id: one link is mailed once, whatever retries.
 */
export function queuedPasswordReset(db: Knex): SendPasswordReset {
  return async (to, link) => {
    const token = new URL(link).searchParams.get('token') ?? link;
    await db('emails').insert({
      dedupe_key: `password_reset:${hashSecret(token)}`, template: 'password_reset', locale: 'en', recipient: to.email,
      data: JSON.stringify({ link, minutes: PASSWORD_RESET_MINUTES }),
    }).onConflict('dedupe_key').ignore();
  };
}

import type { Knex } from 'knex';
import type { SendPasswordReset } from './staff-context';

export const PASSWORD_RESET_MINUTES = 60;

/**
 * Queues the reset message through the outbox (sent, retried and recorded like every other
 * message). The reset row is created without a token: the worker mints the link when it sends
 * (email/send-time-links.ts), so neither the row nor the email keeps a usable secret.
 */
export function queuedPasswordReset(db: Knex): SendPasswordReset {
  return async (to) => {
    await db.transaction(async (tx) => {
      const [reset] = await tx('password_reset_tokens')
        .insert({ id: tx.raw('gen_random_uuid()::text'), user_id: to.userId, expires_at: tx.raw(`now() + interval '${PASSWORD_RESET_MINUTES} minutes'`) })
        .returning('id');
      await tx('emails').insert({
        dedupe_key: `password_reset:${reset.id}`, template: 'password_reset', locale: 'en', recipient: to.email,
        data: JSON.stringify({ resetId: reset.id }),
      });
    });
  };
}

import type { Knex } from 'knex';
import { INVITE_VALID_MS } from './first-sign-in';

export const INVITATION_MINUTES = INVITE_VALID_MS / 60_000;

/**
 * Queues a staff invitation through the outbox, in the caller's transaction: a password-reset
 * row without a token, and an email that names only that row. The worker mints the link when
 * it sends (email/send-time-links.ts), so neither row keeps a usable secret. The one place an
 * invitation is queued.
 */
export async function queueInvitation(
  tx: Knex, invite: { userId: string; email: string; role: string; organizationName: string | null; invitedBy: string },
): Promise<void> {
  const [reset] = await tx('password_reset_tokens')
    .insert({ id: tx.raw('gen_random_uuid()::text'), user_id: invite.userId, expires_at: tx.raw(`now() + interval '${INVITATION_MINUTES} minutes'`) })
    .returning('id');
  await tx('emails').insert({
    dedupe_key: `staff_invitation:${reset.id}`, template: 'staff_invitation', locale: 'en', recipient: invite.email,
    data: JSON.stringify({ resetId: reset.id, role: invite.role, organization: invite.organizationName, invitedBy: invite.invitedBy }),
  });
}

import type { Knex } from 'knex';
import { INVITE_VALID_MS } from './first-sign-in';
import { hashSecret } from './user-service';

export const INVITATION_HOURS = INVITE_VALID_MS / 3_600_000;

/**
 * Queues a staff invitation through the outbox, in the caller's transaction, keyed by the
 * invitation token's stored id: one link is mailed once, whatever retries. The one place an
 * invitation is queued.
 */
export async function queueInvitation(
  tx: Knex, invite: { email: string; token: string; publicUrl: string; role: string; organizationName: string | null; invitedBy: string },
): Promise<void> {
  await tx('emails').insert({
    dedupe_key: `staff_invitation:${hashSecret(invite.token)}`, template: 'staff_invitation', locale: 'en', recipient: invite.email,
    data: JSON.stringify({
      link: `${invite.publicUrl}/admin/reset?token=${invite.token}`, hours: INVITATION_HOURS, role: invite.role,
      organization: invite.organizationName, invitedBy: invite.invitedBy,
    }),
  }).onConflict('dedupe_key').ignore();
}

import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { EmailRow } from './message-builder';

/**
 * A message that carries a secret link (sign-in, reset, invitation) is queued with the id of its
 * flow's row only. When the worker sends it, the token is minted here: its hash and a fresh expiry
 * go into the flow's own table, the link into the message, and nothing into the `emails` row. A
 * retry mints a new token, which replaces the old one. A template opts in by an entry below.
 */
export interface SendTimeLink {
  /** The flow's table: it has `id`, `token_hash`, `expires_at` and `used_at`. */
  readonly table: string;
  /** The key in the email row's data naming the flow's row. */
  readonly idKey: string;
  readonly minutes: number;
  /** The address the token opens, from the public URL. */
  link(publicUrl: string, token: string, locale: string): string;
}

export const hashLinkToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const SEND_TIME_LINKS: Readonly<Record<string, SendTimeLink>> = Object.freeze({
  manage_link: {
    table: 'manage_tokens', idKey: 'manageTokenId', minutes: 60,
    link: (publicUrl, token) => `${publicUrl}/manage/${token}`,
  },
  password_reset: {
    table: 'password_reset_tokens', idKey: 'resetId', minutes: 60,
    link: (publicUrl, token) => `${publicUrl}/admin/reset?token=${token}`,
  },
  // An invitation is a reset link of its own lifetime: the new user chooses their password there.
  staff_invitation: {
    table: 'password_reset_tokens', idKey: 'resetId', minutes: 24 * 60, // staff/first-sign-in.ts INVITE_VALID_MS
    link: (publicUrl, token) => `${publicUrl}/admin/reset?token=${token}`,
  },
});

/** Mints the row's link now; throws when the flow's row is gone or already used (nothing to send). */
export async function mintSendTimeLink(
  db: Knex, spec: SendTimeLink, row: EmailRow, publicUrl: string,
): Promise<{ link: string; minutes: number }> {
  const id = row.data[spec.idKey];
  if (typeof id !== 'string') throw new Error(`email row lacks ${spec.idKey}`);
  const token = randomBytes(32).toString('base64url');
  const updated = await db(spec.table).where({ id }).whereNull('used_at')
    .update({ token_hash: hashLinkToken(token), expires_at: db.raw(`now() + interval '${spec.minutes} minutes'`) })
    .returning('id');
  if (updated.length === 0) throw new Error(`the ${spec.table} row of this message is used or gone`);
  return { link: spec.link(publicUrl, token, row.locale), minutes: spec.minutes };
}

import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { queueSupporterEmail } from '../email/email-queue';
import { MANAGE_LINK_MINUTES } from '../email/message-builder';
import type { Logger } from '../lib/logger';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
/** At most this many links per address per hour, whoever asks. */
const LINKS_PER_HOUR = 3;

/**
 * Mails a single-use sign-in link when the address has given; answers nothing either way, so
 * the page cannot be used to learn who gives. Only the token's hash is ever kept, minted at send time.
 */
export async function requestManageLink(db: Knex, logger: Logger, rawEmail: string, locale: 'en' | 'es'): Promise<void> {
  const email = rawEmail.trim().toLowerCase();
  await db.transaction(async (tx) => {
    const supporter = await tx('supporters as s')
      .where('s.email', email)
      // Any gift counts, a check or cash one too: "my gifts" has its receipts and statements.
      .where((w) => w
        .whereExists((q) => q.select(tx.raw('1')).from('donations as d').whereRaw('d.supporter_id = s.id').whereNotNull('d.stripe_customer_id'))
        .orWhereExists((q) => q.select(tx.raw('1')).from('ledger_entries as l').whereRaw('l.supporter_id = s.id')))
      .orderBy('s.updated_at', 'desc')
      .first('s.id');
    if (!supporter) return;
    const recent = await tx('manage_tokens').where({ email }).where('created_at', '>', tx.raw(`now() - interval '1 hour'`))
      .count<{ n: number }>('* as n').first();
    if (Number(recent?.n ?? 0) >= LINKS_PER_HOUR) {
      logger.warn('manage link refused: too many for this address this hour');
      return;
    }
    // No token yet: the worker mints it when it sends the message (email/send-time-links.ts).
    const [row] = await tx('manage_tokens')
      .insert({ token_hash: null, email, expires_at: tx.raw(`now() + interval '${MANAGE_LINK_MINUTES} minutes'`) })
      .returning('id');
    await queueSupporterEmail(tx, {
      dedupeKey: `manage:${row.id}`, template: 'manage_link', supporterId: supporter.id, data: { manageTokenId: row.id }, locale,
    });
  });
}

/** Uses the link, once and within the hour: the address it was sent to, or null. */
export async function useManageLink(db: Knex, token: string): Promise<string | null> {
  const [used] = await db('manage_tokens')
    .where({ token_hash: hash(token) })
    .whereNull('used_at')
    .where('expires_at', '>', db.fn.now())
    .update({ used_at: db.fn.now() })
    .returning('email');
  return used ? String(used.email) : null;
}

/** The emailed "manage my gifts" link: asking for one, and using it. */
export interface ManageService {
  requestManageLink(rawEmail: string, locale: 'en' | 'es'): Promise<void>;
  useManageLink(token: string): Promise<string | null>;
}

export function createManageService(db: Knex, logger: Logger): ManageService {
  return {
    requestManageLink: (rawEmail, locale) => requestManageLink(db, logger, rawEmail, locale),
    useManageLink: (token) => useManageLink(db, token),
  };
}

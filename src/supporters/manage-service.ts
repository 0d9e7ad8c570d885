import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { queueSupporterEmail } from '../email/email-queue';
import { MANAGE_LINK_MINUTES } from '../email/message-builder';
import type { Logger } from '../lib/logger';
import type { PaymentGateway } from '../stripe/payment-types';

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
      .whereExists((q) => q.select(tx.raw('1')).from('donations as d').whereRaw('d.supporter_id = s.id').whereNotNull('d.stripe_customer_id'))
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

export type PortalOutcome = { kind: 'portal'; url: string } | { kind: 'invalid' } | { kind: 'no_gift' };

/**
 * Uses the link (once, within the hour) and opens a Stripe customer portal session for the
 * address's most recent Stripe customer. The use is committed only with the session: if Stripe
 * fails, the link still works.
 */
export async function openManagePortal(
  db: Knex, gateway: PaymentGateway, token: string, returnUrl: string,
): Promise<PortalOutcome> {
  return db.transaction(async (tx): Promise<PortalOutcome> => {
    const [used] = await tx('manage_tokens')
      .where({ token_hash: hash(token) })
      .whereNull('used_at')
      .where('expires_at', '>', tx.fn.now())
      .update({ used_at: tx.fn.now() })
      .returning('email');
    if (!used) return { kind: 'invalid' };
    const customer = await tx('donations as d').join('supporters as s', 's.id', 'd.supporter_id')
      .where('s.email', used.email).whereNotNull('d.stripe_customer_id')
      .orderBy('d.created_at', 'desc').first('d.stripe_customer_id');
    if (!customer) return { kind: 'no_gift' };
    const session = await gateway.createPortalSession(customer.stripe_customer_id, returnUrl);
    return { kind: 'portal', url: session.url };
  });
}

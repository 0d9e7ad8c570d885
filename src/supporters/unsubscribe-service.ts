import type { Knex } from 'knex';

export interface UnsubscribeResult {
  readonly locale: 'en' | 'es';
  readonly organization: string;
}

/**
 * Stops campaign updates (and milestone mails) for the supporter the token names. Saying it
 * twice changes nothing and answers the same; receipts keep coming, as the law wants them to.
 */
export async function unsubscribe(db: Knex, token: string): Promise<UnsubscribeResult | null> {
  const [row] = await db('supporters')
    .where({ unsubscribe_token: token })
    .update({
      email_updates: false,
      unsubscribed_at: db.raw('coalesce(unsubscribed_at, now())'),
      updated_at: db.fn.now(),
    })
    .returning(['locale', 'organization_id']);
  if (!row) return null;
  const organization = await db('organizations').where({ id: row.organization_id }).first('name');
  return { locale: row.locale === 'es' ? 'es' : 'en', organization: String(organization?.name ?? '') };
}

export interface UnsubscribeService {
  unsubscribe(token: string): Promise<UnsubscribeResult | null>;
}

export function createUnsubscribeService(db: Knex): UnsubscribeService {
  return { unsubscribe: (token) => unsubscribe(db, token) };
}

import type { Knex } from 'knex';

/** What each template is about; the row's foreign keys say which records it reads. */
export type EmailTemplate =
  | 'receipt_once' | 'receipt_monthly' | 'receipt_offline' | 'refund'
  | 'monthly_started' | 'payment_failed' | 'monthly_completed'
  | 'campaign_update' | 'milestone' | 'year_end' | 'manage_link'
  | 'staff_new_gift' | 'staff_digest' | 'password_reset'
  | 'staff_invitation'
  | 'gift_changed';

export interface SupporterEmail {
  /** What caused the message, e.g. `receipt:<ledger entry id>`: the same cause never queues twice. */
  readonly dedupeKey: string;
  readonly template: EmailTemplate;
  readonly supporterId: string;
  readonly donationId?: string | null;
  readonly ledgerEntryId?: number | null;
  readonly campaignId?: string | null;
  readonly data?: Record<string, unknown>;
  /** The language the supporter is using right now (a page they filled in), over their stored one. */
  readonly locale?: 'en' | 'es';
}

/**
 * Queues one message to a supporter (a payment receipt becomes the monthly one when the gift is
 * monthly) in the caller's transaction: one INSERT … SELECT that takes
 * the address and locale (the gift's, else the supporter's) from the database and does nothing
 * when the cause was already queued. Rendering and sending happen later, in the outbox worker.
 */
export function supporterEmailInsert(tx: Knex, email: SupporterEmail): Knex.Raw {
  return tx.raw(
    `insert into emails (dedupe_key, template, locale, recipient, organization_id, supporter_id, donation_id,
        ledger_entry_id, campaign_id, data)
     select ?, case when ? = 'receipt_once' and d.frequency = 'monthly' then 'receipt_monthly' else ? end,
       coalesce(?, d.locale, s.locale), s.email, s.organization_id, s.id, d.id, ?, ?, ?::jsonb
     from supporters s left join donations d on d.id = ?
     where s.id = ?
     on conflict (dedupe_key) do nothing
     returning id`,
    [email.dedupeKey, email.template, email.template, email.locale ?? null, email.ledgerEntryId ?? null, email.campaignId ?? null,
      JSON.stringify(email.data ?? {}), email.donationId ?? null, email.supporterId],
  );
}

export async function queueSupporterEmail(tx: Knex, email: SupporterEmail): Promise<boolean> {
  const result = await supporterEmailInsert(tx, email);
  return (result.rows as unknown[]).length > 0;
}

/** The same message to every supporter of a campaign who agreed to updates (one statement). */
export async function queueCampaignBroadcast(
  tx: Knex, broadcast: { keyPrefix: string; template: 'campaign_update' | 'milestone'; campaignId: string; data: Record<string, unknown> },
): Promise<number> {
  const result = await tx.raw(
    `insert into emails (dedupe_key, template, locale, recipient, organization_id, supporter_id, campaign_id, data)
     select ? || ':' || s.id, ?, s.locale, s.email, s.organization_id, s.id, ?, ?::jsonb
     from supporters s
     where s.email_updates
       and exists (select 1 from ledger_entries l
                   where l.supporter_id = s.id and l.campaign_id = ? and l.kind in ('payment', 'offline'))
     on conflict (dedupe_key) do nothing
     returning id`,
    [broadcast.keyPrefix, broadcast.template, broadcast.campaignId, JSON.stringify(broadcast.data), broadcast.campaignId],
  );
  return (result.rows as unknown[]).length;
}

/** Staff who asked for one notice per gift get one each (none for the digest or off settings). */
export function staffNoticeInsert(tx: Knex, ledgerEntryId: number, organizationId: string): Knex.Raw {
  return tx.raw(
    `insert into emails (dedupe_key, template, locale, recipient, organization_id, ledger_entry_id)
     select 'staff_notice:' || ? || ':' || r.email, 'staff_new_gift', 'en', r.email, o.id, ?
     from organizations o cross join lateral unnest(o.staff_notice_emails) as r(email)
     where o.id = ? and o.staff_notice_mode = 'single'
     on conflict (dedupe_key) do nothing
     returning id`,
    [ledgerEntryId, ledgerEntryId, organizationId],
  );
}

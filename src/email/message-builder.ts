import type { Knex } from 'knex';
import { asLocale, type EmailLocale } from './format';
import type { EmailTemplate } from './email-queue';
import { loadMilestoneModel, loadUpdateModel } from './models/campaign-model';
import { loadDonationModel, loadLedgerModel } from './models/gift-model';
import { loadYearEndModel } from './models/year-end-model';
import { loadGiftChangeModel } from './models/gift-change-model';
import { mintSendTimeLink, SEND_TIME_LINKS, type SendTimeLink } from './send-time-links';

export interface EmailRow {
  readonly id: number;
  readonly dedupe_key: string;
  readonly template: EmailTemplate;
  readonly locale: string;
  readonly recipient: string;
  readonly organization_id: string | null;
  readonly supporter_id: string | null;
  readonly donation_id: string | null;
  readonly ledger_entry_id: number | null;
  readonly campaign_id: string | null;
  readonly data: Record<string, unknown>;
  readonly attempts: number;
}

export interface MessagePlan {
  readonly template: EmailTemplate;
  readonly locale: EmailLocale;
  readonly model: Record<string, unknown>;
  readonly headers: Record<string, string>;
}

export const MANAGE_LINK_MINUTES = 60;

function need<T>(value: T | null | undefined, what: string): T {
  if (value == null) throw new Error(`email row lacks ${what}`);
  return value;
}

/** Reads what the message says, at send time, from the records its row names. */
export async function planMessage(db: Knex, row: EmailRow, publicUrl: string): Promise<MessagePlan> {
  const locale = asLocale(row.locale);
  const manageUrl = `${publicUrl}/manage?lang=${locale}`;
  const base = { publicUrl, manageUrl };
  const plan = (model: Record<string, unknown>, headers: Record<string, string> = {}): MessagePlan =>
    ({ template: row.template, locale, model: { ...base, ...model }, headers });

  switch (row.template) {
    case 'receipt_once': case 'receipt_monthly': case 'receipt_offline': case 'refund': case 'staff_new_gift':
      return plan(await loadLedgerModel(db, need(row.ledger_entry_id, 'a ledger entry'), locale));
    case 'monthly_started': case 'payment_failed': case 'monthly_completed':
      return plan(await loadDonationModel(db, need(row.donation_id, 'a donation'), locale));
    case 'campaign_update': case 'milestone': {
      const ids = { campaignId: need(row.campaign_id, 'a campaign'), supporterId: need(row.supporter_id, 'a supporter') };
      const model = row.template === 'milestone'
        ? await loadMilestoneModel(db, { ...ids, milestoneId: Number(row.data.milestoneId) }, locale, publicUrl)
        : await loadUpdateModel(db, { ...ids, updateId: String(row.data.updateId) }, locale, publicUrl);
      // RFC 8058: a mail client may unsubscribe with one POST to this address, no page, no sign-in.
      return plan(model, {
        'List-Unsubscribe': `<${model.unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      });
    }
    case 'year_end':
      return plan(await loadYearEndModel(db, need(row.supporter_id, 'a supporter'), Number(row.data.year), locale));
    case 'manage_link':
      return plan({
        locale, ...(await mintSendTimeLink(db, SEND_TIME_LINKS.manage_link as SendTimeLink, row, publicUrl)),
        organization: row.data.organization ?? null,
      });
    case 'gift_changed':
      return plan(await loadGiftChangeModel(db, need(row.donation_id, 'a donation'), Number(row.data.changeId), locale));
    case 'staff_digest':
      return plan({ locale, ...(row.data as Record<string, unknown>) });
    case 'password_reset':
      return plan({ locale, ...(await mintSendTimeLink(db, SEND_TIME_LINKS.password_reset as SendTimeLink, row, publicUrl)) });
    case 'staff_invitation': {
      const { link, minutes } = await mintSendTimeLink(db, SEND_TIME_LINKS.staff_invitation as SendTimeLink, row, publicUrl);
      return plan({
        locale, link, hours: minutes / 60,
        role: String(row.data.role ?? 'staff'), organization: row.data.organization ?? null, invitedBy: String(row.data.invitedBy ?? 'An admin'),
      });
    }
    default:
      throw new Error(`unknown email template ${String(row.template)}`);
  }
}

import type { Knex } from 'knex';
import type { Locale } from '../lib/i18n';

/** What a thank-you page may show: the gift itself, never who gave it. */
export interface GiftSummary {
  readonly campaignTitle: Readonly<Record<Locale, string>>;
  readonly earmarkLabel: Readonly<Record<Locale, string>>;
  readonly amount: number;
  readonly chargeAmount: number;
  readonly currency: string;
  readonly frequency: 'once' | 'monthly';
  readonly installments: number | null;
  readonly startedAt: Date;
  readonly paymentsRecorded: number;
  /** The language the supporter chose on the form. */
  readonly locale: Locale;
}

// A thank-you link stays readable for a while after paying, not forever (browser history, shared screens).
const READABLE_FOR_MS = 7 * 24 * 60 * 60 * 1000;

/** The gift a Checkout Session id belongs to, on this campaign only. The id is the capability. */
export async function findGiftForSession(db: Knex, campaignSlug: string, sessionId: string, now = new Date()): Promise<GiftSummary | null> {
  const row = await db('donations as d')
    .join('campaigns as c', 'c.id', 'd.campaign_id')
    .join('earmarks as e', 'e.id', 'd.earmark_id')
    .where({ 'd.stripe_checkout_session_id': sessionId, 'c.slug': campaignSlug })
    .where('d.created_at', '>', new Date(now.getTime() - READABLE_FOR_MS))
    .first<{
      title_en: string; title_es: string; label_en: string; label_es: string; amount: number; charge_amount: number;
      currency: string; frequency: 'once' | 'monthly'; installments: number | null; created_at: Date; id: string; locale: string;
    } | undefined>('c.title_en', 'c.title_es', 'e.label_en', 'e.label_es', 'd.amount', 'd.charge_amount', 'd.currency',
      'd.frequency', 'd.installments', 'd.created_at', 'd.id', 'd.locale');
  if (!row) return null;
  const counted = await db('ledger_entries').where({ donation_id: row.id, kind: 'payment' }).count<{ n: number }>('* as n').first();
  return {
    campaignTitle: { en: row.title_en, es: row.title_es },
    earmarkLabel: { en: row.label_en, es: row.label_es },
    amount: Number(row.amount),
    chargeAmount: Number(row.charge_amount),
    currency: row.currency,
    frequency: row.frequency,
    installments: row.installments,
    startedAt: new Date(row.created_at),
    paymentsRecorded: Number(counted?.n ?? 0),
    locale: row.locale === 'es' ? 'es' : 'en',
  };
}

/** The thank-you page's one question: what was given in this Checkout Session. */
export interface ThanksService {
  findGiftForSession(campaignSlug: string, sessionId: string): Promise<GiftSummary | null>;
}

export function createThanksService(db: Knex): ThanksService {
  return { findGiftForSession: (campaignSlug, sessionId) => findGiftForSession(db, campaignSlug, sessionId) };
}

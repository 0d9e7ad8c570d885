import type { Knex } from 'knex';
import { useLines } from '../earmarks/earmark-use-display';
import { loadLedgerModel } from '../email/models/gift-model';
import { loadYearEndModel } from '../email/models/year-end-model';
import {
  cancelGift, changeAmount, changeEarmark, pauseGift, resumeGift, startCardUpdate, type GiftChangeDeps,
} from '../gifts/gift-change-service';
import { findManagedGift, type GiftActor, type ManagedGift } from '../gifts/managed-gift';
import { latestUsesByEarmark } from '../earmarks/earmark-use-service';
import { listGiftChanges, type GiftChangeRow } from '../gifts/gift-change-repository';
import { formatMoney, toDecimalString } from '../lib/money';
import { translate, type Locale } from '../lib/i18n';
import type { Logger } from '../lib/logger';
import type { PaymentGateway } from '../stripe/payment-types';

type CardUpdatePages = { readonly successUrl: string; readonly cancelUrl: string };

const SHOWN = ['processing', 'paid', 'active', 'failing', 'completed', 'cancelled'];
const dateIn = (d: Date, locale: Locale, timeZone: string) =>
  new Intl.DateTimeFormat(locale === 'es' ? 'es-US' : 'en-US', { dateStyle: 'long', timeZone }).format(d);

interface EntryRow {
  id: number; kind: string; gross: number; currency: string; occurred_at: Date; receipt_number: string | null;
  installment: number | null; donation_id: string | null; supporter_id: string;
}

/**
 * Every gift of one address, grouped by organization, as "my gifts" shows it: the payments
 * with their receipts, refunds, the years with a statement, and for a monthly gift its status,
 * next payment and "payment k of N" (the next payment date read from Stripe, outside any
 * transaction; a Stripe outage shows the page without it).
 */
export async function myGifts(deps: { db: Knex; gateway: PaymentGateway; logger: Logger }, email: string, locale: Locale) {
  const { db } = deps;
  const supporters = await db('supporters as s').join('organizations as o', 'o.id', 's.organization_id')
    .where('s.email', email.toLowerCase()).orderBy('o.name').select('s.id', 'o.name', 'o.time_zone');
  const organizations = [];
  for (const s of supporters) {
    const tz = String(s.time_zone);
    const entries: EntryRow[] = await db('ledger_entries').where({ supporter_id: s.id }).orderBy([{ column: 'occurred_at' }, { column: 'id' }])
      .select('id', 'kind', 'gross', 'currency', 'occurred_at', 'receipt_number', 'installment', 'donation_id', 'supporter_id');
    const donations = await db('donations as d').join('campaigns as c', 'c.id', 'd.campaign_id').join('earmarks as e', 'e.id', 'd.earmark_id')
      .where('d.supporter_id', s.id).whereIn('d.status', SHOWN).orderBy('d.created_at', 'desc')
      .select('d.*', 'c.title_en', 'c.title_es', 'e.code as earmark_code', 'e.label_en', 'e.label_es', 'd.campaign_id');
    const entryView = (e: EntryRow) => ({
      id: e.id, date: dateIn(e.occurred_at, locale, tz), amount: formatMoney(Math.abs(Number(e.gross)), e.currency, locale),
      receiptNumber: e.receipt_number, installment: e.installment,
      kindLabel: translate(locale, `gifts.kind.${e.kind}`), hasReceipt: e.kind === 'payment' || e.kind === 'offline' || e.kind === 'refund',
    });
    const gifts = [];
    for (const d of donations) {
      const own = entries.filter((e) => e.donation_id === d.id);
      const payments = own.filter((e) => e.kind === 'payment' || e.kind === 'offline').length;
      const monthly = d.frequency === 'monthly';
      const live = monthly && ['active', 'failing'].includes(d.status) && d.stripe_subscription_id;
      let nextPayment: string | null = null;
      if (live) {
        try {
          const state = await deps.gateway.readGiftSubscription(d.stripe_subscription_id);
          nextPayment = state.nextPaymentAt ? dateIn(state.nextPaymentAt, locale, tz) : null;
        } catch (error) {
          deps.logger.warn({ err: error, donationId: d.id }, 'could not read the subscription for my gifts');
        }
      }
      const earmarks = await db('earmarks').where({ campaign_id: d.campaign_id }).orderBy([{ column: 'position' }, { column: 'code' }])
        .select('code', `label_${locale} as label`);
      const paused = Boolean(d.paused_until && new Date(d.paused_until) > new Date());
      // What the earmark's money paid for since this gift was made: what the gift helped do.
      const uses = await latestUsesByEarmark(db, d.campaign_id, locale, { perEarmark: 5, since: new Date(d.created_at) });
      gifts.push({
        id: d.id, campaign: d[`title_${locale}`], earmark: d[`label_${locale}`], monthly,
        amount: formatMoney(Number(d.charge_amount), d.currency, locale), amountMajor: toDecimalString(Number(d.amount), d.currency),
        currency: String(d.currency).toUpperCase(), coverFees: Boolean(d.cover_fees),
        status: translate(locale, paused ? 'gifts.status.paused' : `gifts.status.${d.status}`),
        installments: d.installments == null ? null : Number(d.installments), paymentsMade: payments,
        nextPayment, paused, pausedUntil: paused ? dateIn(new Date(d.paused_until), locale, tz) : null,
        changeable: Boolean(live),
        earmarks: earmarks.map((e: { code: string; label: string }) => ({ ...e, selected: e.code === d.earmark_code })),
        paidFor: useLines(uses.get(d.earmark_id) ?? [], d.currency, locale),
        entries: own.map(entryView),
        changes: (await listGiftChanges(db, d.id)).map((c) => ({
          date: dateIn(c.at, locale, tz), what: changeLabel(locale, c),
          byStaff: c.actorKind === 'staff',
        })),
      });
    }
    const loose = entries.filter((e) => !e.donation_id || !donations.some((d) => d.id === e.donation_id));
    const years = [...new Set(entries.filter((e) => e.kind === 'payment' || e.kind === 'offline')
      .map((e) => Number(new Intl.DateTimeFormat('en-US', { year: 'numeric', timeZone: tz }).format(e.occurred_at))))].sort();
    organizations.push({ name: s.name, supporterId: s.id, gifts, other: loose.map(entryView), years });
  }
  return { organizations, empty: organizations.every((o) => o.gifts.length === 0 && o.other.length === 0) };
}

/** Whether the ledger entry or supporter belongs to the signed-in address (another's is "not found"). */
export async function ownsEntry(db: Knex, email: string, entryId: number): Promise<boolean> {
  const row = await db('ledger_entries as l').join('supporters as s', 's.id', 'l.supporter_id')
    .where({ 'l.id': entryId, 's.email': email.toLowerCase() }).first('l.id');
  return Boolean(row);
}

export async function ownsSupporter(db: Knex, email: string, supporterId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(supporterId)) return false;
  return Boolean(await db('supporters').where({ id: supporterId, email: email.toLowerCase() }).first('id'));
}

/** A new card Stripe confirmed (its row names the payment method) reads apart from opening Stripe's page. */
function changeLabel(locale: Locale, change: GiftChangeRow): string {
  const last4 = change.after?.last4;
  if (change.kind !== 'card' || !change.after?.paymentMethod) return translate(locale, `gifts.change.${change.kind}`);
  return typeof last4 === 'string' ? translate(locale, 'gifts.change.cardChangedLast4', { last4 }) : translate(locale, 'gifts.change.cardChanged');
}

/** Everything "my gifts" does for a signed-in address: its gifts, their changes, receipts and statements. */
export interface MyGiftsService {
  myGifts(email: string, locale: Locale): ReturnType<typeof myGifts>;
  findManagedGift(actor: GiftActor, donationId: string): Promise<ManagedGift>;
  /** The campaign's title in one language, for the cancel page. */
  campaignTitle(slug: string, locale: Locale): Promise<string | undefined>;
  changeAmount(actor: GiftActor, donationId: string, amount: number): Promise<void>;
  changeEarmark(actor: GiftActor, donationId: string, code: string): Promise<void>;
  pauseGift(actor: GiftActor, donationId: string, months: number): Promise<void>;
  resumeGift(actor: GiftActor, donationId: string): Promise<void>;
  cancelGift(actor: GiftActor, donationId: string): Promise<void>;
  startCardUpdate(actor: GiftActor, donationId: string, pages: CardUpdatePages, locale: Locale): Promise<string>;
  ownsEntry(email: string, entryId: number): Promise<boolean>;
  ownsSupporter(email: string, supporterId: string): Promise<boolean>;
  receiptModel(ledgerEntryId: number, locale: Locale): ReturnType<typeof loadLedgerModel>;
  yearEndModel(supporterId: string, year: number, locale: Locale): ReturnType<typeof loadYearEndModel>;
}

export function createMyGiftsService(deps: GiftChangeDeps): MyGiftsService {
  const { db } = deps;
  return {
    myGifts: (email, locale) => myGifts(deps, email, locale),
    findManagedGift: (actor, donationId) => findManagedGift(db, actor, donationId),
    async campaignTitle(slug, locale) {
      const campaign = await db('campaigns').where({ slug }).first(`title_${locale} as title`);
      return campaign?.title;
    },
    changeAmount: (actor, donationId, amount) => changeAmount(deps, actor, donationId, amount),
    changeEarmark: (actor, donationId, code) => changeEarmark(deps, actor, donationId, code),
    pauseGift: (actor, donationId, months) => pauseGift(deps, actor, donationId, months),
    resumeGift: (actor, donationId) => resumeGift(deps, actor, donationId),
    cancelGift: (actor, donationId) => cancelGift(deps, actor, donationId),
    startCardUpdate: (actor, donationId, pages, locale) => startCardUpdate(deps, actor, donationId, pages, locale),
    ownsEntry: (email, entryId) => ownsEntry(db, email, entryId),
    ownsSupporter: (email, supporterId) => ownsSupporter(db, email, supporterId),
    receiptModel: (ledgerEntryId, locale) => loadLedgerModel(db, ledgerEntryId, locale),
    yearEndModel: (supporterId, year, locale) => loadYearEndModel(db, supporterId, year, locale),
  };
}

import type { Knex } from 'knex';
import { longDate, money, type EmailLocale } from '../format';
import { loadDonationModel } from './gift-model';
import { jsonColumn } from '../../db/json-column';

const BRANDS: Record<string, string> = {
  visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', diners: 'Diners Club',
  jcb: 'JCB', unionpay: 'UnionPay', cartes_bancaires: 'Cartes Bancaires', eftpos_au: 'eftpos', interac: 'Interac', link: 'Link',
};
const cardBrand = (brand: string): string => BRANDS[brand] ?? brand;

/** A monthly gift change as its confirmation says it: the gift, what changed, from when. */
export async function loadGiftChangeModel(db: Knex, donationId: string, changeId: number, locale: EmailLocale) {
  const base = await loadDonationModel(db, donationId, locale);
  const row = await db('gift_changes as g').join('donations as d', 'd.id', 'g.donation_id')
    .join('campaigns as c', 'c.id', 'd.campaign_id').join('organizations as o', 'o.id', 'c.organization_id')
    .where('g.id', changeId).first('g.kind', 'g.after', 'g.actor_kind', 'd.currency', 'o.time_zone');
  if (!row) throw new Error(`gift change ${changeId} does not exist`);
  const after = jsonColumn<Record<string, unknown> | null>(row.after) ?? {};
  const when = (after.nextPayment ?? after.from) as string | null | undefined;
  const earmark = typeof after.earmark === 'string'
    ? await db('earmarks as e').join('donations as d', 'd.campaign_id', 'e.campaign_id').where({ 'd.id': donationId, 'e.code': after.earmark })
      .first(`e.label_${locale} as label`) : null;
  return {
    ...base,
    change: {
      amount: row.kind === 'amount', earmark: row.kind === 'earmark', pause: row.kind === 'pause', resume: row.kind === 'resume',
      cancel: row.kind === 'cancel', card: row.kind === 'card',
      cardBrand: typeof after.brand === 'string' ? cardBrand(after.brand) : null,
      cardLast4: typeof after.last4 === 'string' ? after.last4 : null,
      newAmount: typeof after.chargeAmount === 'number' ? money(after.chargeAmount, String(row.currency), locale) : null,
      newEarmark: earmark?.label ?? null,
      months: typeof after.months === 'number' ? after.months : 0,
      nextPayment: when ? longDate(new Date(when), locale, String(row.time_zone)) : null,
      byStaff: row.actor_kind === 'staff',
    },
  };
}

import type { Knex } from 'knex';
import { longDate, money, type EmailLocale } from '../format';
import { ORGANIZATION_COLUMNS, SUPPORTER_COLUMNS, organizationOf, supporterView } from './shared';

interface GiftRow {
  receipt_number: string; occurred_at: Date; gross: number; returned: number; currency: string;
  title_en: string; title_es: string; label_en: string; label_es: string; kind: string;
}

/**
 * A supporter's gifts in one calendar year (in the organization's time zone), one line per
 * receipt, each net of what was later refunded or taken back by a dispute, with totals per
 * currency: what a tax return asks for.
 */
export async function yearEndGifts(db: Knex, supporterId: string, year: number): Promise<GiftRow[]> {
  const result = await db.raw(
    `select l.receipt_number, l.occurred_at, l.gross, l.currency, l.kind, c.title_en, c.title_es, e.label_en, e.label_es,
       coalesce((select sum(r.gross) from ledger_entries r
                 where r.stripe_charge_id = l.stripe_charge_id and r.kind in ('refund', 'dispute', 'dispute_reversal')), 0)::bigint as returned
     from ledger_entries l
     join organizations o on o.id = l.organization_id
     join campaigns c on c.id = l.campaign_id
     join earmarks e on e.id = l.earmark_id
     where l.supporter_id = ? and l.kind in ('payment', 'offline')
       and extract(year from l.occurred_at at time zone o.time_zone) = ?
     order by l.occurred_at, l.id`,
    [supporterId, year],
  );
  return (result.rows as GiftRow[]).map((r) => ({ ...r, gross: Number(r.gross), returned: Number(r.returned) }));
}

export async function loadYearEndModel(db: Knex, supporterId: string, year: number, locale: EmailLocale) {
  const row = await db('supporters as s').join('organizations as o', 'o.id', 's.organization_id')
    .where('s.id', supporterId).first([...SUPPORTER_COLUMNS, ...ORGANIZATION_COLUMNS]);
  if (!row) throw new Error(`supporter ${supporterId} does not exist`);
  const gifts = await yearEndGifts(db, supporterId, year);
  const totals = new Map<string, number>();
  const lines = gifts.map((g) => {
    const net = Math.max(0, g.gross + g.returned);
    totals.set(g.currency, (totals.get(g.currency) ?? 0) + net);
    return {
      receiptNumber: g.receipt_number,
      date: longDate(g.occurred_at, locale, String(row.time_zone)),
      campaign: locale === 'es' ? g.title_es : g.title_en,
      earmark: locale === 'es' ? g.label_es : g.label_en,
      amount: money(net, g.currency, locale),
      refunded: g.returned < 0 ? money(-g.returned, g.currency, locale) : null,
      offline: g.kind === 'offline',
    };
  });
  return {
    locale,
    year,
    organization: await organizationOf(db, row, locale),
    supporter: supporterView(row),
    lines,
    totals: [...totals].map(([currency, total]) => ({ currency: currency.toUpperCase(), amount: money(total, currency, locale) })),
  };
}

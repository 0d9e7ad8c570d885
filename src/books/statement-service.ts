import type { Knex } from 'knex';
import { findSponsor } from '../sponsor/sponsor-repository';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { assertCanRead, type Principal } from '../staff/principal';

export const statementRequestSchema = z.object({
  organization: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be an organization slug'),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM'),
});
export type StatementRequest = z.infer<typeof statementRequestSchema>;

/** Where the money came from: a card gift once or monthly, or a check, cash or transfer recorded by staff. */
export type Source = 'one_time' | 'monthly' | 'check' | 'cash' | 'bank_transfer';
export const SOURCES: readonly Source[] = ['one_time', 'monthly', 'check', 'cash', 'bank_transfer'];

export interface StatementFigures {
  /** Payments and offline gifts received. */
  readonly gifts: number;
  readonly gross: number;
  /** Negative: money returned to supporters. */
  readonly refunds: number;
  /** Lost to disputes less disputes won: negative or zero. */
  readonly disputes: number;
  /** Stripe's fees, positive (negative when fees came back). */
  readonly processorFees: number;
  readonly sponsorFee: number;
  /** gross + refunds + disputes - processorFees - sponsorFee. */
  readonly netToOrganization: number;
}

export interface StatementLine extends StatementFigures {
  readonly earmark: string;
  readonly earmarkLabel: { en: string; es: string };
  readonly source: Source;
}

export interface CurrencyStatement {
  readonly currency: string;
  readonly lines: StatementLine[];
  readonly bySource: Array<StatementFigures & { source: Source }>;
  readonly total: StatementFigures;
}

export interface Statement {
  readonly organization: { slug: string; name: string; timeZone: string; sponsorLegalName: string };
  readonly month: string;
  readonly currencies: CurrencyStatement[];
}

interface Row {
  currency: string; earmark: string | null; label_en: string | null; label_es: string | null; source: Source | null;
  g_earmark: number; g_source: number;
  gifts: number; gross: number; refunds: number; disputes: number; processor_fees: number; sponsor_fee: number; net_to_organization: number;
}

const figures = (r: Row): StatementFigures => ({
  gifts: Number(r.gifts), gross: Number(r.gross), refunds: Number(r.refunds), disputes: Number(r.disputes),
  processorFees: Number(r.processor_fees), sponsorFee: Number(r.sponsor_fee), netToOrganization: Number(r.net_to_organization),
});

const SOURCE_SQL = `case when le.kind = 'offline' then coalesce(le.payment_method, 'cash')
  when d.frequency = 'monthly' then 'monthly' else 'one_time' end`;

/**
 * An organization's month, in its own time zone, from the ledger alone: each earmark by where
 * the money came from, then each source, then the whole, per currency.
 */
export async function buildStatement(db: Knex, reader: Principal | 'operator', request: StatementRequest): Promise<Statement> {
  const org = await db('organizations').where({ slug: request.organization }).first('id', 'slug', 'name', 'time_zone');
  if (!org) throw new AppError(404, 'organization_not_found', `No organization "${request.organization}"`);
  if (reader !== 'operator') assertCanRead(reader, org.id);
  const start = `${request.month}-01`;
  // The first two conditions only let the occurred_at index narrow the scan (no zone is a day from UTC).
  const { rows } = await db.raw(
    `select le.currency, e.code as earmark, min(e.label_en) as label_en, min(e.label_es) as label_es, ${SOURCE_SQL} as source,
       grouping(e.code) as g_earmark, grouping(${SOURCE_SQL}) as g_source,
       count(*) filter (where le.kind in ('payment', 'offline'))::bigint as gifts,
       coalesce(sum(le.gross) filter (where le.kind in ('payment', 'offline')), 0)::bigint as gross,
       coalesce(sum(le.gross) filter (where le.kind = 'refund'), 0)::bigint as refunds,
       coalesce(sum(le.gross) filter (where le.kind in ('dispute', 'dispute_reversal')), 0)::bigint as disputes,
       coalesce(sum(le.fee), 0)::bigint as processor_fees,
       coalesce(sum(le.sponsor_fee), 0)::bigint as sponsor_fee,
       coalesce(sum(le.net - le.sponsor_fee), 0)::bigint as net_to_organization
     from ledger_entries le
     join earmarks e on e.id = le.earmark_id
     left join donations d on d.id = le.donation_id
     where le.organization_id = :org
       and le.occurred_at >= :start::date - interval '2 days' and le.occurred_at < :start::date + interval '1 month 2 days'
       and (le.occurred_at at time zone :tz) >= :start::timestamp
       and (le.occurred_at at time zone :tz) < :start::timestamp + interval '1 month'
     group by grouping sets ((le.currency, e.code, ${SOURCE_SQL}), (le.currency, ${SOURCE_SQL}), (le.currency))
     order by le.currency, e.code nulls last, source nulls last`,
    { org: org.id, start, tz: org.time_zone },
  ) as { rows: Row[] };

  const currencies = [...new Set(rows.map((r) => r.currency))];
  return {
    organization: { slug: org.slug, name: org.name, timeZone: org.time_zone, sponsorLegalName: (await findSponsor(db))?.legalName ?? '' },
    month: request.month,
    currencies: currencies.map((currency) => {
      const mine = rows.filter((r) => r.currency === currency);
      const total = mine.find((r) => Number(r.g_earmark) === 1 && Number(r.g_source) === 1) as Row;
      const order = (s: Source | null) => SOURCES.indexOf(s as Source);
      return {
        currency,
        lines: mine.filter((r) => Number(r.g_earmark) === 0).sort((a, b) => String(a.earmark).localeCompare(String(b.earmark)) || order(a.source) - order(b.source))
          .map((r) => ({
            earmark: r.earmark as string, earmarkLabel: { en: r.label_en ?? '', es: r.label_es ?? '' }, source: r.source as Source, ...figures(r),
          })),
        bySource: mine.filter((r) => Number(r.g_earmark) === 1 && Number(r.g_source) === 0)
          .sort((a, b) => order(a.source) - order(b.source)).map((r) => ({ source: r.source as Source, ...figures(r) })),
        total: figures(total),
      };
    }),
  };
}

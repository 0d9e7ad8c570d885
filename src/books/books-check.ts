import { Writable } from 'node:stream';
import type { Knex } from 'knex';
import { readCampaign } from '../campaigns/campaign-admin-service';
import { prepareDonationExport } from '../exports/donation-export-service';
import { campaignTotals } from '../ledger/totals-service';
import { minorUnitExponent } from '../lib/money';
import type { Principal } from '../staff/principal';
import type { BooksService } from './books-service';
import {
  entriesBetween, entriesOfCampaign, entriesOfCharges, expectedSponsorFees, sumBy, emptySums, type CheckEntry, type Sums,
} from './check-ledger';
import { checkJournals, checkPayouts } from './books-check-deposits';
import { csvObjects, minorUnits } from './csv-read';
import { comparison, type BooksCheckReport, type Comparison } from './books-check-types';

export type { BooksCheckReport, Comparison } from './books-check-types';

const CHECKER: Principal = { kind: 'token', role: 'sponsor', organizationId: null, tokenId: null, userId: null, label: 'books:check' };

const monthsOf = (from: string, to: string): string[] => {
  const months: string[] = [];
  let [y, m] = from.slice(0, 7).split('-').map(Number) as [number, number];
  const last = to.slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    months.push(month);
    if (month >= last) return months;
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
};
const lastDay = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
};

function checkSponsorFees(inRange: CheckEntry[], history: CheckEntry[]): Comparison[] {
  const expected = expectedSponsorFees(inRange, history);
  return [...sumBy(inRange, (e) => e.currency)].map(([currency]) => {
    const mine = inRange.filter((e) => e.currency === currency);
    const wrong = mine.filter((e) => expected.get(e.id) !== e.sponsorFee).length;
    return comparison(`sponsor fee on each entry vs its rate, ${currency.toUpperCase()}`, currency, [
      ['sponsor fee', mine.reduce((t, e) => t + (expected.get(e.id) ?? 0), 0), mine.reduce((t, e) => t + e.sponsorFee, 0)],
      ['entries off', 0, wrong, true],
    ]);
  });
}

async function exportText(db: Knex, from: string, to: string): Promise<string> {
  let text = '';
  const sink = new Writable({ write(chunk, _e, done) { text += String(chunk); done(); } });
  const prepared = await prepareDonationExport(db, 'operator', { from, to, bom: false });
  await prepared.writeTo(sink);
  return text;
}

async function checkExport(db: Knex, inRange: CheckEntry[], from: string, to: string): Promise<Comparison[]> {
  const rows = csvObjects(await exportText(db, from, to));
  const exported = new Map<string, Sums>();
  let unreadable = 0;
  for (const r of rows) {
    const currency = (r.currency ?? '').toLowerCase();
    const exponent = minorUnitExponent(currency);
    const [gross, fee, net, sponsorFee, toOrg] = [r.gross, r.fee, r.net, r.sponsor_fee, r.net_to_organization].map((v) => minorUnits(v ?? '', exponent));
    if ([gross, fee, net, sponsorFee, toOrg].some((v) => v === null)) { unreadable += 1; continue; }
    const s = exported.get(currency) ?? emptySums();
    exported.set(currency, s);
    s.entries += 1; s.gross += gross as number; s.fee += fee as number; s.net += net as number;
    s.sponsorFee += sponsorFee as number; s.netToOrganization += toOrg as number;
  }
  const ledger = sumBy(inRange, (e) => e.currency);
  const currencies = [...new Set([...ledger.keys(), ...exported.keys()])].sort();
  const found = currencies.map((currency) => {
    const l = ledger.get(currency) ?? emptySums();
    const x = exported.get(currency) ?? emptySums();
    return comparison(`donation export vs ledger, ${currency.toUpperCase()}`, currency, [
      ['rows', l.entries, x.entries, true], ['gross', l.gross, x.gross], ['fee', l.fee, x.fee], ['net', l.net, x.net],
      ['sponsor fee', l.sponsorFee, x.sponsorFee], ['net to organization', l.netToOrganization, x.netToOrganization],
    ]);
  });
  if (unreadable) found.push(comparison('donation export rows with unreadable amounts', null, [['rows', 0, unreadable, true]]));
  return found;
}

async function checkTotals(db: Knex, inRange: CheckEntry[]): Promise<Comparison[]> {
  const found: Comparison[] = [];
  const campaignIds = [...new Set(inRange.map((e) => e.campaignId))];
  for (const id of campaignIds) {
    const row = await db('campaigns').where({ id }).first('slug', 'currency');
    const campaign = await readCampaign(db, CHECKER, row.slug);
    const totals = await campaignTotals(db, campaign);
    const l = sumBy(await entriesOfCampaign(db, id, campaign.currency), () => 'all').get('all') ?? emptySums();
    const sum = (items: Array<{ raised: number; sponsorFee: number }>, k: 'raised' | 'sponsorFee') => items.reduce((t, x) => t + x[k], 0);
    found.push(comparison(`staff totals of ${row.slug} (all time) vs ledger, ${campaign.currency.toUpperCase()}`, campaign.currency, [
      ['entries', l.entries, totals.entries, true], ['gross', l.received, totals.gross], ['fees', l.fee, totals.fees], ['net', l.net, totals.net],
      ['refunded', -l.refunds, totals.refunded], ['disputed', -l.disputes, totals.disputed], ['raised', l.gross, totals.raised],
      ['sponsor fee', l.sponsorFee, totals.sponsorFee], ['net to organization', l.netToOrganization, totals.netToOrganization],
      ['raised by earmark', l.gross, sum(totals.earmarks, 'raised')], ['raised by month', l.gross, sum(totals.months, 'raised')],
      ['sponsor fee by earmark', l.sponsorFee, sum(totals.earmarks, 'sponsorFee')],
    ]));
  }
  return found;
}

async function checkStatements(books: BooksService, windowEntries: CheckEntry[], months: string[]): Promise<Comparison[]> {
  const found: Comparison[] = [];
  const orgs = [...new Set(windowEntries.map((e) => e.organizationSlug))].sort();
  for (const slug of orgs) {
    for (const month of months) {
      const mine = windowEntries.filter((e) => e.organizationSlug === slug && e.day.startsWith(month));
      if (mine.length === 0) continue;
      const statement = await books.statement('operator', { organization: slug, month });
      const ledger = sumBy(mine, (e) => e.currency);
      for (const [currency, l] of ledger) {
        const c = statement.currencies.find((x) => x.currency === currency);
        const t = c?.total;
        const lines = (k: 'gross' | 'netToOrganization') => (c?.lines ?? []).reduce((s, x) => s + x[k], 0);
        const sources = (k: 'gross' | 'netToOrganization') => (c?.bySource ?? []).reduce((s, x) => s + x[k], 0);
        found.push(comparison(`statement of ${slug} for ${month} vs ledger, ${currency.toUpperCase()}`, currency, [
          ['gifts', l.gifts, t?.gifts ?? 0, true], ['gross', l.received, t?.gross ?? 0], ['refunds', l.refunds, t?.refunds ?? 0],
          ['disputes', l.disputes, t?.disputes ?? 0], ['processor fees', l.fee, t?.processorFees ?? 0],
          ['sponsor fee', l.sponsorFee, t?.sponsorFee ?? 0], ['net to organization', l.netToOrganization, t?.netToOrganization ?? 0],
          ['gross by earmark', l.received, lines('gross')], ['net by earmark', l.netToOrganization, lines('netToOrganization')],
          ['gross by source', l.received, sources('gross')], ['net by source', l.netToOrganization, sources('netToOrganization')],
        ]));
      }
    }
  }
  return found;
}

/**
 * Recomputes the books from the ledger and compares them with every report built from it:
 * the sponsor fee of each entry, the donation export, the staff totals, the statements, the
 * journals and the reconciled payouts. One cent off anywhere makes the report not ok.
 */
export async function checkBooks(deps: { db: Knex; books: BooksService }, range: { from: string; to: string }): Promise<BooksCheckReport> {
  const { db, books } = deps;
  const months = monthsOf(range.from, range.to);
  const windowEntries = await entriesBetween(db, `${months[0]}-01`, lastDay(months.at(-1) as string));
  const inRange = windowEntries.filter((e) => e.day >= range.from && e.day <= range.to);
  const charges = [...new Set(inRange.filter((e) => e.kind !== 'offline' && e.kind !== 'payment' && e.chargeId).map((e) => e.chargeId as string))];
  const comparisons = [
    ...checkSponsorFees(inRange, await entriesOfCharges(db, charges)),
    ...await checkExport(db, inRange, range.from, range.to),
    ...await checkTotals(db, inRange),
    ...await checkStatements(books, windowEntries, months),
    ...await checkJournals(db, books, inRange, range),
    ...await checkPayouts(db, range),
  ];
  return { ...range, comparisons, ok: comparisons.every((c) => c.ok) };
}

import { stringify } from 'csv-stringify/sync';
import { neutraliseCell } from '../exports/csv-cells';
import { toDecimalString } from '../lib/money';
import type { Statement, StatementFigures } from './statement-service';

export const STATEMENT_HEADER = [
  'organization', 'month', 'time_zone', 'currency', 'section', 'earmark', 'source',
  'gifts', 'gross', 'refunds', 'disputes', 'processor_fees', 'sponsor_fee', 'net_to_organization',
];

/**
 * One record per earmark and source (`section` = earmark), then per source (`by_source`), then
 * the currency's whole (`total`); amounts in major units, refunds and disputes negative.
 */
export function statementCsv(statement: Statement, options: { bom?: boolean } = {}): string {
  const { organization, month } = statement;
  const records: unknown[][] = [];
  for (const c of statement.currencies) {
    const amounts = (f: StatementFigures) => [
      f.gifts, ...[f.gross, f.refunds, f.disputes, f.processorFees, f.sponsorFee, f.netToOrganization].map((a) => toDecimalString(a, c.currency)),
    ];
    const lead = (section: string, earmark: string, source: string) => [
      neutraliseCell(organization.slug), month, organization.timeZone, c.currency.toUpperCase(), section, neutraliseCell(earmark), source,
    ];
    for (const line of c.lines) records.push([...lead('earmark', line.earmark, line.source), ...amounts(line)]);
    for (const s of c.bySource) records.push([...lead('by_source', '', s.source), ...amounts(s)]);
    records.push([...lead('total', '', ''), ...amounts(c.total)]);
  }
  return stringify(records, { header: true, columns: STATEMENT_HEADER, bom: options.bom ?? false, record_delimiter: 'windows' });
}

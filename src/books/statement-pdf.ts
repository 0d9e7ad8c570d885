import PDFDocument from 'pdfkit';
import { formatMonth, translate, type Locale } from '../lib/i18n';
import { formatMoney } from '../lib/money';
import type { Statement, StatementFigures } from './statement-service';

const LEFT = 40;
const WIDTHS = [150, 40, 80, 80, 80, 80, 80, 90]; // label, gifts, then six amounts: 680 of a landscape letter page
const ROW = 16;

/** The statement as a landscape PDF: one table per currency, in the reader's language. */
export function statementPdf(statement: Statement, locale: Locale): Promise<Buffer> {
  const t = (key: string, vars: Record<string, string | number> = {}) => translate(locale, key, vars);
  const doc = new PDFDocument({ size: 'LETTER', layout: 'landscape', margin: LEFT, info: { Title: t('statement.title', { organization: statement.organization.name }) } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const [year, month] = statement.month.split('-').map(Number) as [number, number];
  doc.font('Helvetica-Bold').fontSize(16).text(t('statement.title', { organization: statement.organization.name }));
  doc.font('Helvetica').fontSize(10)
    .text(t('statement.month', { month: formatMonth(new Date(Date.UTC(year, month - 1, 1)), locale), timeZone: statement.organization.timeZone }))
    .text(t('statement.sponsor', { sponsor: statement.organization.sponsorLegalName }));
  doc.moveDown();
  if (statement.currencies.length === 0) doc.text(t('statement.empty'));

  const row = (cells: string[], bold = false) => {
    if (doc.y > doc.page.height - 60) doc.addPage();
    const y = doc.y;
    let x = LEFT;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    cells.forEach((cell, i) => {
      const width = WIDTHS[i] as number;
      doc.text(cell, x, y, { width: width - 4, align: i === 0 ? 'left' : 'right', lineBreak: false, ellipsis: true });
      x += width;
    });
    doc.x = LEFT;
    doc.y = y + ROW;
  };

  for (const c of statement.currencies) {
    const money = (n: number) => formatMoney(n, c.currency, locale === 'es' ? 'es-US' : 'en-US');
    const cells = (label: string, f: StatementFigures) => [
      label, String(f.gifts), ...[f.gross, f.refunds, f.disputes, f.processorFees, f.sponsorFee, f.netToOrganization].map(money),
    ];
    const source = (s: string) => t(`statement.source.${s}`);
    doc.font('Helvetica-Bold').fontSize(12).text(t('statement.currency', { currency: c.currency.toUpperCase() }), LEFT);
    doc.moveDown(0.3);
    row([`${t('statement.earmark')} / ${t('statement.source')}`, t('statement.gifts'), t('statement.gross'), t('statement.refunds'),
      t('statement.disputes'), t('statement.processorFees'), t('statement.sponsorFee'), t('statement.net')], true);
    for (const line of c.lines) row(cells(`${line.earmarkLabel[locale] || line.earmark}: ${source(line.source)}`, line));
    doc.moveDown(0.3);
    doc.font('Helvetica-Bold').fontSize(10).text(t('statement.bySource'), LEFT);
    for (const s of c.bySource) row(cells(source(s.source), s));
    row(cells(t('statement.total'), c.total), true);
    doc.moveDown();
  }
  doc.font('Helvetica').fontSize(8).text(t('statement.formula'), LEFT);
  doc.end();
  return done;
}

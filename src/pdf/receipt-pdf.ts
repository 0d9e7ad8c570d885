import type { loadLedgerModel } from '../email/models/gift-model';
import type { loadYearEndModel } from '../email/models/year-end-model';
import { translate, type Locale } from '../lib/i18n';
import { renderPdf } from './pdf-document';

type ReceiptModel = Awaited<ReturnType<typeof loadLedgerModel>>;
type YearEndModel = Awaited<ReturnType<typeof loadYearEndModel>>;

function sponsorParagraphs(locale: Locale, organization: ReceiptModel['organization']): string[] {
  return [
    translate(locale, 'pdf.sponsorLine', {
      organization: organization.name, sponsor: organization.sponsorLegalName, ein: organization.sponsorEin, address: organization.sponsorAddress,
    }),
    organization.receiptText,
  ];
}

/** A receipt's fields as the email receipt has them, for the PDF and the receipt page alike. */
export function receiptFields(model: ReceiptModel): { title: string; rows: Array<[string, string]>; paragraphs: string[] } {
  const l = model.locale;
  const t = (key: string, vars = {}) => translate(l, key, vars);
  const { entry, gift } = model;
  const rows: Array<[string, string]> = [
    [t('pdf.receiptNumber'), entry.receiptNumber],
    [t('pdf.date'), entry.date],
    [t('pdf.amount'), `${entry.amount} ${gift.currencyCode}`],
  ];
  if (gift.monthly && entry.installment) {
    rows.push([t('pdf.monthly'), gift.installments
      ? t('pdf.paymentOf', { k: entry.installment, n: gift.installments }) : t('pdf.monthlyPayment')]);
  }
  rows.push([t('pdf.campaign'), gift.campaign], [t('pdf.earmark'), gift.earmark], [t('pdf.organization'), model.organization.name]);
  if (entry.kind !== 'refund') rows.push([t('pdf.feesCovered'), entry.feesCovered ? t('pdf.feesCoveredYes', { amount: entry.feesCovered }) : t('pdf.no')]);
  if (entry.cardLast4) rows.push([t('pdf.paidWith'), t('pdf.card', { last4: entry.cardLast4 })]);
  if (entry.checkNumber) rows.push([t('pdf.checkNumber'), entry.checkNumber]);
  if (model.original) rows.push([t('pdf.refundOf'), `${model.original.receiptNumber} (${model.original.amount})`]);
  rows.push([t('pdf.donor'), [model.supporter.name, ...model.supporter.addressLines].join(', ')]);
  const title = entry.kind === 'refund' ? t('pdf.refundTitle', { number: entry.receiptNumber }) : t('pdf.receiptTitle', { number: entry.receiptNumber });
  return { title, rows, paragraphs: [...sponsorParagraphs(l, model.organization), t('pdf.keep')] };
}

/** A receipt as PDF: the email receipt's fields and the sponsor's identity, in the reader's language. */
export function receiptPdf(model: ReceiptModel): Promise<Buffer> {
  const fields = receiptFields(model);
  return renderPdf({ title: fields.title, lang: model.locale, subject: model.organization.name }, [
    { rows: fields.rows },
    { heading: model.organization.sponsorLegalName, paragraphs: fields.paragraphs },
  ]);
}

/** The year's gifts to one organization, each net of refunds, with totals per currency. */
export function yearEndPdf(model: YearEndModel): Promise<Buffer> {
  const l = model.locale;
  const t = (key: string, vars = {}) => translate(l, key, vars);
  const lines = model.lines.map((g): [string, string] => [
    `${g.date} · ${g.receiptNumber}`,
    `${g.campaign}: ${g.earmark}  ${g.amount}${g.refunded ? ` (${t('pdf.refunded', { amount: g.refunded })})` : ''}${g.offline ? ` (${t('pdf.offline')})` : ''}`,
  ]);
  return renderPdf({ title: t('pdf.yearEndTitle', { year: model.year, organization: model.organization.name }), lang: l, subject: model.organization.name }, [
    { rows: [[t('pdf.donor'), [model.supporter.name, ...model.supporter.addressLines].join(', ')], [t('pdf.organization'), model.organization.name]] },
    { heading: t('pdf.gifts'), rows: lines.length ? lines : [[t('pdf.gifts'), t('pdf.none')]] },
    { heading: t('pdf.totals'), rows: model.totals.map((x): [string, string] => [t('pdf.totalIn', { currency: x.currency }), x.amount]) },
    { heading: model.organization.sponsorLegalName, paragraphs: [...sponsorParagraphs(l, model.organization), t('pdf.keep')] },
  ]);
}

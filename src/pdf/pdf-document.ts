import PDFDocument from 'pdfkit';

export interface PdfSection {
  readonly heading?: string;
  readonly rows?: ReadonlyArray<readonly [string, string]>;
  readonly paragraphs?: readonly string[];
}

/**
 * One plain, printable page layout for receipts and statements: a title, label/value rows and
 * paragraphs, in the standard Helvetica (which has every accented letter Spanish needs), with
 * the document's language and title set for screen readers.
 */
export function renderPdf(meta: { title: string; lang: string; subject: string }, sections: readonly PdfSection[]): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'LETTER', margin: 56, lang: meta.lang, info: { Title: meta.title, Subject: meta.subject, Author: 'Colecta' }, displayTitle: true });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(18).text(meta.title);
  doc.moveDown(0.8);
  for (const section of sections) {
    if (section.heading) doc.font('Helvetica-Bold').fontSize(12).text(section.heading).moveDown(0.3);
    for (const [label, value] of section.rows ?? []) {
      doc.font('Helvetica-Bold').fontSize(10).text(`${label}: `, { continued: true }).font('Helvetica').text(value);
    }
    for (const paragraph of section.paragraphs ?? []) doc.font('Helvetica').fontSize(10).text(paragraph).moveDown(0.4);
    doc.moveDown(0.8);
  }
  doc.end();
  return done;
}

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PDFJS = path.resolve(__dirname, '../../node_modules/pdfjs-dist/legacy/build/pdf.mjs');

// pdfjs-dist is an ES module only; a child Node reads the PDF so the test process's module system is not involved.
const SCRIPT = `
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const pdfjs = await import(process.argv[1]);
  const doc = await pdfjs.getDocument({ data: new Uint8Array(Buffer.concat(chunks)), useSystemFonts: false }).promise;
  const pages = [];
  for (let i = 1; i <= doc.numPages; i += 1) {
    const content = await (await doc.getPage(i)).getTextContent();
    let text = '';
    for (const item of content.items) text += item.str + (item.hasEOL ? '\\n' : '');
    pages.push(text);
  }
  const meta = await doc.getMetadata();
  process.stdout.write(JSON.stringify({ pages, title: meta.info.Title ?? null, lang: meta.info.Language ?? null }));
});`;

/** The text of each page of a PDF, read back with pdfjs (as a reader's PDF viewer would). */
export async function pdfText(pdf: Buffer): Promise<{ pages: string[]; title: string | null }> {
  const child = run(process.execPath, ['--input-type=module', '-e', SCRIPT, PDFJS], { maxBuffer: 10_000_000 });
  child.child.stdin?.end(pdf);
  const { stdout } = await child;
  return JSON.parse(stdout) as { pages: string[]; title: string | null };
}

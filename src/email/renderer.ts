import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { EmailLocale } from './format';

export const EMAILS_DIR = path.resolve(__dirname, '../../emails');
const LOCALES: readonly EmailLocale[] = ['en', 'es'];
type Part = 'subject' | 'html' | 'text';

export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

export interface EmailRenderer {
  render(template: string, locale: EmailLocale, model: Record<string, unknown>): RenderedEmail;
  readonly templates: readonly string[];
}

function hbsFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.hbs')).sort() : [];
}

function registerPartials(hb: typeof Handlebars, dir: string, kind: 'html' | 'text'): void {
  for (const file of hbsFiles(dir)) {
    const match = new RegExp(`^(.+)\\.${kind}\\.hbs$`).exec(file);
    // Compiled here with the instance's own escaping; Handlebars would otherwise compile a string
    // partial lazily with default options and escape the text parts.
    if (match) hb.registerPartial(match[1] as string, hb.compile(fs.readFileSync(path.join(dir, file), 'utf8'), { noEscape: kind === 'text' }));
  }
}

/**
 * Every template compiled once, at start, by private Handlebars instances: one escaping HTML
 * instance and one plain-text instance per locale, so a partial named `footer` is the Spanish
 * footer in a Spanish message. HTML parts escape everything ({{…}}); text parts and subjects
 * are plain text and are never read as HTML.
 */
export function createEmailRenderer(dir: string = EMAILS_DIR): EmailRenderer {
  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  const names = new Set<string>();
  for (const locale of LOCALES) {
    const html = Handlebars.create();
    const text = Handlebars.create();
    for (const hb of [html, text]) {
      hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
      hb.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b));
      // The last argument is Handlebars' options object.
      hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
    }
    registerPartials(html, path.join(dir, 'partials'), 'html');
    registerPartials(text, path.join(dir, 'partials'), 'text');
    registerPartials(html, path.join(dir, locale, 'partials'), 'html');
    registerPartials(text, path.join(dir, locale, 'partials'), 'text');
    for (const file of hbsFiles(path.join(dir, locale))) {
      const match = /^(.+)\.(subject|html|text)\.hbs$/.exec(file);
      if (!match) continue;
      const [, name, part] = match as unknown as [string, string, Part];
      const source = fs.readFileSync(path.join(dir, locale, file), 'utf8');
      const hb = part === 'html' ? html : text;
      compiled.set(`${locale}/${name}.${part}`, hb.compile(source, { noEscape: part !== 'html', strict: false }));
      names.add(name);
    }
  }
  const get = (locale: EmailLocale, name: string, part: Part): HandlebarsTemplateDelegate => {
    const template = compiled.get(`${locale}/${name}.${part}`) ?? compiled.get(`en/${name}.${part}`);
    if (!template) throw new Error(`no email template ${locale}/${name}.${part}.hbs`);
    return template;
  };
  return {
    templates: [...names].sort(),
    render(name, locale, model) {
      return {
        subject: get(locale, name, 'subject')(model).replace(/\s+/g, ' ').trim(),
        html: get(locale, name, 'html')(model),
        text: `${get(locale, name, 'text')(model).replace(/\n{3,}/g, '\n\n').trim()}\n`,
      };
    },
  };
}

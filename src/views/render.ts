import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { translate, type Locale, type Vars } from '../lib/i18n';

const VIEWS_DIR = __dirname;

/** What every page gives its layout. */
export interface PageModel {
  readonly locale: Locale;
  readonly title: string;
  /** Adds the embedded class and lets the script report its height to the parent page. */
  readonly embed?: boolean;
  readonly scripts?: readonly string[];
}

/** A page's own fields beside the layout's. */
export type PageData = PageModel & Readonly<Record<string, unknown>>;

export type PageName = 'donate-form' | 'thanks' | 'demo-checkout' | 'widget'
  | 'manage-request' | 'manage-message' | 'my-gifts' | 'gift-cancel' | 'receipt';

/** A private Handlebars: its helpers and partials are ours alone, every template compiled once. */
function createRenderer() {
  const hbs = Handlebars.create();
  hbs.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
    const root = options.data?.root as { locale?: Locale } | undefined;
    return translate(root?.locale ?? 'en', key, options.hash as Vars);
  });
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);

  const partialsDir = path.join(VIEWS_DIR, 'partials');
  for (const file of fs.readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
    hbs.registerPartial(path.basename(file, '.hbs'), fs.readFileSync(path.join(partialsDir, file), 'utf8'));
  }
  const compile = (name: string) =>
    hbs.compile(fs.readFileSync(path.join(VIEWS_DIR, `${name}.hbs`), 'utf8'), { strict: false, noEscape: false });
  const layout = compile('layout');
  const pages = new Map<string, HandlebarsTemplateDelegate>();
  return (page: PageName, model: PageData): string => {
    let template = pages.get(page);
    if (!template) {
      template = compile(page);
      pages.set(page, template);
    }
    // The page body is our own escaped output, so the layout places it as HTML.
    return layout({ ...model, body: template(model) });
  };
}

let renderer: ReturnType<typeof createRenderer> | null = null;

export function renderPage(page: PageName, model: PageData): string {
  renderer ??= createRenderer();
  return renderer(page, model);
}

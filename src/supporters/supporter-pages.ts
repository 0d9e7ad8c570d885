/** The few plain pages a supporter sees from an email link: no scripts, no inline styles (the CSP forbids them), nothing from another host. */

export type PageLocale = 'en' | 'es';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** `body` is trusted markup built here; every value in it must already be escaped. */
export function page(locale: PageLocale, title: string, body: string): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/assets/supporter.css">
</head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body>
</html>
`;
}

export function localeOf(lang: unknown, acceptsSpanish: boolean): PageLocale {
  if (lang === 'es' || lang === 'en') return lang;
  return acceptsSpanish ? 'es' : 'en';
}

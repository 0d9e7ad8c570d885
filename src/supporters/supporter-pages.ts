/** The few plain pages a supporter sees from an email link: no scripts, no remote assets. */

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
<style>
body{margin:0;background:#f4f4f5;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2937;line-height:1.5}
main{max-width:480px;margin:40px auto;background:#fff;border-radius:8px;padding:24px}
h1{font-size:22px;margin:0 0 12px}
label{display:block;font-weight:600;margin:16px 0 6px}
input[type=email]{width:100%;box-sizing:border-box;padding:10px;border:1px solid #9ca3af;border-radius:6px;font-size:16px}
button{margin-top:16px;padding:12px 20px;background:#1d4ed8;color:#fff;border:0;border-radius:6px;font-size:16px;font-weight:600;cursor:pointer}
.muted{color:#6b7280;font-size:14px}
</style>
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

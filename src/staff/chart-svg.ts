import { formatMoney } from '../lib/money';

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A bar chart of money per period, drawn on the server as SVG: no script, no CDN. Bar heights are
 * whole pixels from integer arithmetic on the minor-unit amounts.
 */
export function moneyBarChart(bars: ReadonlyArray<{ label: string; amount: number }>, currency: string): string {
  const height = 160;
  const barWidth = 36;
  const gap = 12;
  const top = 20;
  const width = Math.max(1, bars.length) * (barWidth + gap) + gap;
  const max = Math.max(1, ...bars.map((b) => b.amount));
  const parts = bars.map((b, i) => {
    const h = b.amount > 0 ? Math.max(1, Math.floor((b.amount * height) / max)) : 0;
    const x = gap + i * (barWidth + gap);
    const y = top + height - h;
    const amount = escapeXml(formatMoney(b.amount, currency, 'en-US'));
    return `<g><title>${escapeXml(b.label)}: ${amount}</title>`
      + `<rect x="${x}" y="${y}" width="${barWidth}" height="${h}" fill="#2a9d8f"></rect>`
      + `<text x="${x + barWidth / 2}" y="${top + height + 14}" font-size="10" text-anchor="middle">${escapeXml(b.label)}</text></g>`;
  });
  const empty = bars.length === 0 ? `<text x="10" y="${top + height / 2}" font-size="12">No money recorded yet</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Money raised by month" width="${Math.max(width, 220)}" height="${top + height + 24}" viewBox="0 0 ${Math.max(width, 220)} ${top + height + 24}">`
    + `<line x1="0" y1="${top + height}" x2="${Math.max(width, 220)}" y2="${top + height}" stroke="#889"></line>${parts.join('')}${empty}</svg>`;
}

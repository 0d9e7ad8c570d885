import fs from 'node:fs';
import path from 'node:path';
import { createEmailRenderer } from '../../src/email/renderer';
import { launchChromium } from '../browser/browser';
import { SAMPLE_MODELS } from './sample-models';

const renderer = createEmailRenderer();
const STAFF_ONLY = new Set(['staff_new_gift', 'staff_digest', 'password_reset', 'staff_invitation']);
const ARTIFACTS = path.resolve(__dirname, '../artifacts/emails');

describe('email templates', () => {
  it('exist for every message in English and, for supporters, Spanish, each with a subject, HTML and text part', () => {
    expect(renderer.templates).toEqual(Object.keys(SAMPLE_MODELS).sort());
    for (const name of renderer.templates) {
      for (const locale of ['en', 'es'] as const) {
        for (const part of ['subject', 'html', 'text']) {
          const file = path.resolve(__dirname, `../../emails/${locale}/${name}.${part}.hbs`);
          expect([name, locale, part, fs.existsSync(file)]).toEqual([name, locale, part, locale === 'en' || !STAFF_ONLY.has(name)]);
        }
      }
    }
  });

  it('render every field they are given, escape HTML only in the HTML part, and use no remote images', () => {
    for (const name of renderer.templates) {
      for (const locale of ['en', 'es'] as const) {
        const out = renderer.render(name, locale, { ...SAMPLE_MODELS[name], locale });
        expect(out.subject.length).toBeGreaterThan(5);
        for (const part of [out.subject, out.html, out.text]) expect(part).not.toMatch(/undefined|\[object|NaN/);
        expect(out.html).toMatch(/^<!doctype html>/);
        expect(out.html).not.toMatch(/<img|url\(|https?:\/\/[^"]*\.(png|jpe?g|gif)/i);
        expect(out.text).not.toMatch(/<\/?(p|table|td|a)\b|&amp;|&lt;/);
        if (name !== 'manage_link' && name !== 'password_reset' && name !== 'staff_invitation') {
          expect(out.html).toContain('Red de Derechos &lt;Demo&gt;');
          expect(out.text).toContain('Red de Derechos <Demo>');
        }
      }
    }
  });

  // Looked at by a person: tests/artifacts/emails/<locale>.png, every template at phone width.
  it('draw at phone width in Chromium, to PNG under tests/artifacts/emails', async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    // Playwright rather than `chromium --screenshot`: the npm-installed headless shell never
    // finishes a command-line screenshot without a GPU, and a page screenshot is the same picture.
    const browser = await launchChromium();
    try {
      for (const locale of ['en', 'es'] as const) {
        const frames = renderer.templates.map((name) => {
          const { subject, html } = renderer.render(name, locale, { ...SAMPLE_MODELS[name], locale });
          fs.writeFileSync(path.join(ARTIFACTS, `${locale}-${name}.html`), html);
          const srcdoc = html.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
          return `<h2 style="font:bold 13px sans-serif;margin:8px">${name}: ${subject.replace(/</g, '&lt;')}</h2>
  <iframe srcdoc="${srcdoc}" style="width:390px;height:1000px;border:0;display:block"></iframe>`;
        });
        const gallery = path.join(ARTIFACTS, `${locale}.html`);
        fs.writeFileSync(gallery, `<!doctype html><meta charset="utf-8"><body style="margin:0;width:390px">${frames.join('\n')}</body>`);
        const png = path.join(ARTIFACTS, `${locale}.png`);
        fs.rmSync(png, { force: true });
        const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
        await page.goto(`file://${gallery}`);
        await page.screenshot({ path: png, fullPage: true });
        await page.close();
        expect(fs.statSync(png).size).toBeGreaterThan(10_000);
      }
    } finally {
      await browser.close();
    }
  }, 120_000);
});

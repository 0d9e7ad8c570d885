import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

export type Messages = Readonly<Record<string, string>>;

const LOCALES_DIR = path.resolve(__dirname, '../../locales');
const messagesSchema = z.record(z.string(), z.string());

function load(locale: Locale): Messages {
  return Object.freeze(messagesSchema.parse(JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, `${locale}.json`), 'utf8'))));
}

const catalogs: Readonly<Record<Locale, Messages>> = { en: load('en'), es: load('es') };

export function messages(locale: Locale): Messages {
  return catalogs[locale];
}

export type Vars = Readonly<Record<string, string | number>>;

/** The message for `key` in `locale` with `{name}` placeholders filled; English, then the key, as fallbacks. */
export function translate(locale: Locale, key: string, vars: Vars = {}): string {
  const template = catalogs[locale][key] ?? catalogs.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** `?lang=` when it names a locale we have, else the browser's Accept-Language, else English. */
export function pickLocale(queryLang: unknown, acceptsLanguages: (...langs: string[]) => string | false): Locale {
  if (isLocale(queryLang)) return queryLang;
  const accepted = acceptsLanguages(...LOCALES);
  return isLocale(accepted) ? accepted : 'en';
}

const monthFormats = new Map<string, Intl.DateTimeFormat>();

/** "May 2027" / "mayo de 2027", in UTC so a server's zone never shifts the month. */
export function formatMonth(date: Date, locale: Locale): string {
  let format = monthFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
    monthFormats.set(locale, format);
  }
  return format.format(date);
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** A clock time ("3:05 PM" / "15:05") for telling a supporter when to try again. */
export function formatTime(date: Date, locale: Locale, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' });
    timeFormats.set(key, format);
  }
  return format.format(date);
}

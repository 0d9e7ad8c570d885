import type { Knex } from 'knex';
import type { Locale } from '../lib/i18n';
import { findSponsor } from '../sponsor/sponsor-repository';

/** What the donation form shows and allows for one campaign's organization. */
export interface FormSettings {
  readonly organizationName: string;
  readonly sponsorLegalName: string;
  readonly sponsorEin: string;
  /** The organization's own statement; empty means the form's default, naming the sponsor and its EIN. */
  readonly taxStatement: Readonly<Record<Locale, string>>;
  /** Archived organizations keep their pages and data but take no gifts. */
  readonly archived: boolean;
  readonly description: Readonly<Record<Locale, string>>;
  readonly timeZone: string;
  /** Origins allowed to frame the form (CSP frame-ancestors), e.g. https://network.example. */
  readonly embedOrigins: readonly string[];
  readonly ask: { readonly phone: boolean; readonly address: boolean; readonly note: boolean };
}

interface SettingsRow {
  name: string; tax_statement_en: string; tax_statement_es: string; archived_at: Date | null;
  description_en: string; description_es: string; time_zone: string; embed_origins: string[] | null;
  ask_phone: boolean; ask_address: boolean; ask_note: boolean;
}

// Only exact scheme://host[:port] origins reach a CSP header; anything else in the column is skipped.
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;

export async function findFormSettings(db: Knex, campaignId: string): Promise<FormSettings | null> {
  const row = await db('campaigns as c')
    .join('organizations as o', 'o.id', 'c.organization_id')
    .where('c.id', campaignId)
    .first<SettingsRow | undefined>(
      'o.name', 'o.archived_at', 'o.tax_statement_en', 'o.tax_statement_es', 'c.description_en',
      'c.description_es', 'o.time_zone', 'o.embed_origins', 'o.ask_phone', 'o.ask_address', 'o.ask_note',
    );
  if (!row) return null;
  const sponsor = await findSponsor(db);
  return {
    organizationName: row.name,
    sponsorLegalName: sponsor?.legalName ?? '',
    sponsorEin: sponsor?.ein ?? '',
    taxStatement: { en: row.tax_statement_en, es: row.tax_statement_es },
    archived: row.archived_at != null,
    description: { en: row.description_en, es: row.description_es },
    timeZone: row.time_zone,
    embedOrigins: (row.embed_origins ?? []).filter((origin) => ORIGIN.test(origin)),
    ask: { phone: row.ask_phone, address: row.ask_address, note: row.ask_note },
  };
}

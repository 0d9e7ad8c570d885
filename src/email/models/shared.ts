import type { Knex } from 'knex';
import { findSponsor } from '../../sponsor/sponsor-repository';
import type { Sponsor } from '../../sponsor/sponsor-schemas';
import type { EmailLocale } from '../format';

/** Columns every message about one organization needs, read with an `o.` alias. */
export const ORGANIZATION_COLUMNS = [
  'o.name as org_name', 'o.receipt_text_en',
  'o.receipt_text_es', 'o.time_zone',
];

export const SUPPORTER_COLUMNS = [
  's.first_name', 's.last_name', 's.email as supporter_email', 's.address_line1', 's.address_line2', 's.address_city',
  's.address_region', 's.address_postal_code', 's.address_country', 's.unsubscribe_token',
];

const NO_GOODS: Record<EmailLocale, string> = {
  en: 'No goods or services were provided in exchange for this contribution.',
  es: 'No se proporcionaron bienes ni servicios a cambio de esta contribución.',
};

export interface OrganizationView {
  readonly name: string;
  readonly sponsorLegalName: string;
  readonly sponsorEin: string;
  readonly sponsorAddress: string;
  readonly receiptText: string;
}

export function organizationView(row: Record<string, unknown>, sponsor: Sponsor | null, locale: EmailLocale): OrganizationView {
  const own = String(row[`receipt_text_${locale}`] ?? '').trim();
  return {
    name: String(row.org_name),
    sponsorLegalName: sponsor?.legalName ?? '',
    sponsorEin: sponsor?.ein ?? '',
    sponsorAddress: sponsor?.address ?? '',
    // The statement the IRS asks for is always there, whatever the organization or sponsor wrote.
    receiptText: own || sponsor?.receiptStatement[locale].trim() || NO_GOODS[locale],
  };
}

/** The organization's part of a message, with the deployment's sponsor read through its repository. */
export async function organizationOf(db: Knex, row: Record<string, unknown>, locale: EmailLocale): Promise<OrganizationView> {
  return organizationView(row, await findSponsor(db), locale);
}

export interface SupporterView {
  readonly firstName: string;
  readonly name: string;
  readonly email: string;
  readonly addressLines: string[];
}

export function supporterView(row: Record<string, unknown>): SupporterView {
  const cityLine = [row.address_city, [row.address_region, row.address_postal_code].filter(Boolean).join(' ')]
    .filter(Boolean).join(', ');
  const addressLines = [row.address_line1, row.address_line2, cityLine, row.address_country]
    .filter((part): part is string => typeof part === 'string' && part.trim() !== '');
  return {
    firstName: String(row.first_name),
    name: `${String(row.first_name)} ${String(row.last_name)}`.trim(),
    email: String(row.supporter_email),
    addressLines,
  };
}

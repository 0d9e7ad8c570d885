import type { Knex } from 'knex';
import { parseOr422 } from '../lib/validation';
import { setupSchema } from './setup-schemas';
import { completeSetup } from './setup-service';

export const SETUP_OPTIONS = {
  'sponsor-name': { type: 'string' }, ein: { type: 'string' }, 'sponsor-address': { type: 'string' },
  'sponsor-email': { type: 'string' }, organization: { type: 'string' }, 'organization-slug': { type: 'string' },
  'time-zone': { type: 'string' }, 'admin-email': { type: 'string' },
} as const;

/** `cli setup`: what /admin/setup does, from flags; returns the lines to print (the admin's one-time link last). */
export async function setupCommand(db: Knex, publicUrl: string, values: Record<string, string | boolean | undefined>): Promise<string[]> {
  const str = (name: string) => (typeof values[name] === 'string' ? String(values[name]) : '');
  const input = parseOr422(setupSchema, {
    sponsor: {
      legalName: str('sponsor-name'), ein: str('ein'), address: str('sponsor-address'),
      contactEmail: str('sponsor-email') || str('admin-email'),
    },
    organization: { name: str('organization'), slug: str('organization-slug'), timeZone: str('time-zone') },
    admin: { email: str('admin-email') },
  });
  const result = await completeSetup(db, publicUrl, input, { actor: 'cli setup' });
  return [
    `Set up ${input.sponsor.legalName} (EIN ${input.sponsor.ein}) with the organization "${result.organizationSlug}".`,
    `Create your first campaign at ${publicUrl}/admin/campaigns/new once signed in.`,
    `This link sets the password of ${result.adminEmail} (once, within 24 hours):`,
    String(result.signInLink),
  ];
}

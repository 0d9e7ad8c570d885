import type { Knex } from 'knex';
import { insertSponsor } from '../sponsor/sponsor-repository';
import { DEFAULT_RECEIPT_STATEMENT } from '../sponsor/sponsor-schemas';

export const DEMO_ORGANIZATION_SLUG = 'demo-network';
export const DEMO_CAMPAIGN_SLUG = 'organizer-training';

const EARMARKS = [
  { code: 'training_fees', label_en: 'Training fees', label_es: 'Cuotas de capacitación', goal: 300000, position: 1 },
  { code: 'travel', label_en: 'Travel', label_es: 'Viajes', goal: 200000, position: 2 },
  { code: 'housing_meals', label_en: 'Housing and meals', label_es: 'Alojamiento y comidas', goal: 150000, position: 3 },
  { code: 'general', label_en: 'Where most needed', label_es: 'Donde más se necesite', goal: null, position: 4 },
];

/** The demo's sponsor, made only when the deployment has none yet: a real sponsor is never replaced. */
export const DEMO_SPONSOR = {
  legalName: 'Demo Fiscal Sponsor, Inc.', ein: '00-0000000', address: '100 Main Street, Seattle, WA 98101',
  contactEmail: 'sponsor@localhost.test', receiptStatement: DEFAULT_RECEIPT_STATEMENT,
};

/** Creates the demo organization and its campaign (and the demo sponsor when there is none); running it again changes nothing. */
export async function ensureDemo(db: Knex): Promise<{ created: boolean }> {
  return db.transaction(async (tx) => {
    await insertSponsor(tx, DEMO_SPONSOR);
    const inserted = await tx('organizations')
      .insert({
        slug: DEMO_ORGANIZATION_SLUG,
        name: 'Demo Immigrant Rights Network',
        receipt_text_en: 'No goods or services were provided in exchange for this contribution.',
        receipt_text_es: 'No se proporcionaron bienes ni servicios a cambio de esta contribución.',
      })
      .onConflict('slug')
      .ignore()
      .returning('id');
    const organization = await tx('organizations').where({ slug: DEMO_ORGANIZATION_SLUG }).first('id');
    const campaignRows = await tx('campaigns')
      .insert({
        organization_id: organization.id,
        slug: DEMO_CAMPAIGN_SLUG,
        title_en: 'Organizer training 2027',
        title_es: 'Capacitación de organizadores 2027',
        description_en: 'Help train organizers in five cities: fees, travel, housing and meals.',
        description_es: 'Ayude a capacitar a organizadores en cinco ciudades: cuotas, viajes, alojamiento y comidas.',
        currency: 'usd',
        goal: 650000,
        status: 'active',
      })
      .onConflict('slug')
      .ignore()
      .returning('id');
    const campaign = await tx('campaigns').where({ slug: DEMO_CAMPAIGN_SLUG }).first('id');
    await tx('earmarks')
      .insert(EARMARKS.map((e) => ({ ...e, campaign_id: campaign.id })))
      .onConflict(['campaign_id', 'code'])
      .ignore();
    return { created: inserted.length > 0 || campaignRows.length > 0 };
  });
}

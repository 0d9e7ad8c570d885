import type { Knex } from 'knex';
import { DEMO_CAMPAIGN_SLUG, ensureDemo } from '../campaigns/demo-seed';
import { ensureFirstAdmin } from '../staff/first-sign-in';
import { createSetupLink, setupNeeded } from './setup-service';

/**
 * What `npm start` prints on a database that is not set up yet, whatever the database. Demo mode
 * on an empty database makes the demo (its sponsor included); otherwise, with no sponsor, a
 * one-time /admin/setup link. Nothing named "Demo" is made with a Stripe key.
 */
export async function firstRunMessages(db: Knex, options: { publicUrl: string; demoMode: boolean }): Promise<string[]> {
  const lines: string[] = [];
  const organizations = await db('organizations').count<{ n: number }>('* as n').first();
  if (options.demoMode && Number(organizations?.n ?? 0) === 0 && (await setupNeeded(db))) {
    await ensureDemo(db);
    lines.push(`Demo campaign created: ${options.publicUrl}/donate/${DEMO_CAMPAIGN_SLUG}`);
    lines.push(`Its progress: ${options.publicUrl}/api/campaigns/${DEMO_CAMPAIGN_SLUG}/progress`);
    const firstAdmin = await ensureFirstAdmin(db, options.publicUrl);
    if (firstAdmin) lines.push(`Staff sign-in (one time, 24 h): ${firstAdmin.link} sets the password of ${firstAdmin.email}`);
  }
  const setupLink = await createSetupLink(db, options.publicUrl);
  if (setupLink) {
    lines.push('Colecta is not set up yet. Open this one-time link (24 h) to enter the fiscal sponsor, the first organization and the first admin:');
    lines.push(setupLink);
  }
  return lines;
}

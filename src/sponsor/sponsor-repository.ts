import type { Knex } from 'knex';
import type { Sponsor } from './sponsor-schemas';

interface SponsorRow {
  legal_name: string; ein: string; address: string; contact_email: string; receipt_statement_en: string; receipt_statement_es: string;
}

const toSponsor = (row: SponsorRow): Sponsor => ({
  legalName: row.legal_name, ein: row.ein, address: row.address, contactEmail: row.contact_email,
  receiptStatement: { en: row.receipt_statement_en, es: row.receipt_statement_es },
});

const toRow = (s: Sponsor): SponsorRow => ({
  legal_name: s.legalName, ein: s.ein, address: s.address, contact_email: s.contactEmail,
  receipt_statement_en: s.receiptStatement.en, receipt_statement_es: s.receiptStatement.es,
});

/**
 * The one sponsor of this deployment, or null before the first run's setup. Receipts, the
 * form, year-end summaries, staff pages and exports all read it here.
 */
export async function findSponsor(db: Knex, options: { lock?: boolean } = {}): Promise<Sponsor | null> {
  const q = db('sponsor').where('id', true);
  if (options.lock) q.forUpdate();
  const row = await q.first<SponsorRow | undefined>();
  return row ? toSponsor(row) : null;
}

/** Creates the sponsor; false when one already exists (nothing is changed then). */
export async function insertSponsor(db: Knex, sponsor: Sponsor): Promise<boolean> {
  const rows = await db('sponsor').insert({ id: true, ...toRow(sponsor) }).onConflict('id').ignore().returning('id');
  return rows.length > 0;
}

export async function saveSponsor(db: Knex, sponsor: Sponsor): Promise<void> {
  await db('sponsor').where({ id: true }).update({ ...toRow(sponsor), updated_at: db.fn.now() });
}

import type { Knex } from 'knex';
import { bindDb } from '../db/bind-db';
import { AppError } from '../lib/errors';
import { writeAudit } from '../staff/audit-log';
import type { Principal } from '../staff/principal';
import { findSponsor, saveSponsor } from './sponsor-repository';
import type { Sponsor, SponsorPatch } from './sponsor-schemas';

const mustBeAdmin = (principal: Principal) => {
  if (principal.role !== 'admin') throw new AppError(403, 'forbidden', 'Only an admin may change the sponsor');
};

/** The sponsor's identity for any signed-in role (it is printed on every receipt anyway). */
export async function readSponsor(db: Knex): Promise<Sponsor> {
  const sponsor = await findSponsor(db);
  if (!sponsor) throw new AppError(404, 'sponsor_not_set_up', 'The sponsor is not set up yet; open the setup link printed at start');
  return sponsor;
}

/** Changes the sponsor's identity, with before and after in the audit log, in one transaction. */
export async function updateSponsor(db: Knex, principal: Principal, patch: SponsorPatch): Promise<Sponsor> {
  mustBeAdmin(principal);
  return db.transaction(async (tx) => {
    const before = await findSponsor(tx, { lock: true });
    if (!before) throw new AppError(404, 'sponsor_not_set_up', 'The sponsor is not set up yet; open the setup link printed at start');
    const after: Sponsor = {
      legalName: patch.legalName ?? before.legalName,
      ein: patch.ein ?? before.ein,
      address: patch.address ?? before.address,
      contactEmail: patch.contactEmail ?? before.contactEmail,
      receiptStatement: { ...before.receiptStatement, ...patch.receiptStatement },
    };
    await saveSponsor(tx, after);
    await writeAudit(tx, principal, {
      action: 'sponsor.update', entityType: 'sponsor', entityId: 'sponsor', organizationId: null, before, after,
    });
    return after;
  });
}

export const createSponsorService = (db: Knex) => bindDb(db, { readSponsor, updateSponsor });

export type SponsorService = ReturnType<typeof createSponsorService>;

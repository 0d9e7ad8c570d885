import type { Knex } from 'knex';
import { bindDb } from '../db/bind-db';
import { prepareDonationExport } from './donation-export-service';
import { payoutDetail, payoutsCsv } from './payout-export-service';
import { payoutSummaries } from './payout-repository';

/** The sponsor's exports: the donation CSV, payouts and their reconciliation. */
export const createExportsService = (db: Knex) => bindDb(db, { prepareDonationExport, payoutsCsv, payoutDetail, payoutSummaries });

export type ExportsService = ReturnType<typeof createExportsService>;

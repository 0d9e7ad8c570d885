import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { writeAudit, type AuditActor } from '../staff/audit-log';
import { assertCanRead, readableOrganization, type Principal } from '../staff/principal';
import { openExportRecords } from './export-copy-in-two';
import { csvField, DONATION_EXPORT_HEADER, toCsvLine } from './donation-columns';
import { openExportRows, writesCsvItself, type ExportScope, type RowSourceOptions } from './donation-export-query';

const isoDate = z.iso.date('must be a date as YYYY-MM-DD');
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a slug');

export const donationExportRequestSchema = z.object({
  from: isoDate,
  to: isoDate,
  organization: slug.optional(),
  campaign: slug.optional(),
  bom: z.enum(['1', '0', 'true', 'false']).optional().transform((v) => v === '1' || v === 'true'),
}).refine((r) => r.from <= r.to, { path: ['to'], message: 'must not be before from' });

export type DonationExportRequest = z.infer<typeof donationExportRequestSchema>;

/** Who asks: a principal from the API, or the operator at the command line (reads everything). */
export type Reader = Principal | 'operator';

const OPERATOR: AuditActor = { label: 'operator (command line)', userId: null, tokenId: null };

export interface PreparedExport {
  readonly filename: string;
  readonly scope: ExportScope;
  /**
   * Streams the CSV into `out`; ends `out` unless told not to (stdout). Every export, whole or
   * cut short, is written to the audit log with its range and row count.
   */
  writeTo(out: Writable, options?: { end?: boolean }): Promise<{ rows: number }>;
}

const CHUNK_CHARS = 64 * 1024;

const headerText = (bom: boolean) => (bom ? '\uFEFF' : '') + DONATION_EXPORT_HEADER.map(csvField).join(',') + '\r\n';

/**
 * Rows in, CSV text out in chunks of about 64 kB: one write per row would cost a system call
 * (or, into a file, a thread-pool round trip) per row. The header comes first, after the BOM
 * when asked for.
 */
function csvChunks(bom: boolean, counter: { rows: number }): Transform {
  let chunk = headerText(bom);
  return new Transform({
    writableObjectMode: true,
    writableHighWaterMark: 1000,
    transform(row: unknown[], _encoding, done) {
      counter.rows += 1;
      chunk += toCsvLine(row);
      if (chunk.length < CHUNK_CHARS) return done();
      const full = chunk;
      chunk = '';
      done(null, full);
    },
    flush(done) {
      done(null, chunk || undefined);
    },
  });
}

async function resolveScope(db: Knex, reader: Reader, request: DonationExportRequest): Promise<ExportScope> {
  let organizationId = reader === 'operator' ? null : readableOrganization(reader);
  if (request.organization) {
    const org = await db('organizations').where({ slug: request.organization }).first('id');
    if (!org) throw new AppError(404, 'organization_not_found', `No organization "${request.organization}"`);
    if (reader !== 'operator') assertCanRead(reader, org.id);
    organizationId = org.id;
  }
  let campaignId: string | null = null;
  if (request.campaign) {
    const campaign = await db('campaigns').where({ slug: request.campaign }).first('id', 'organization_id');
    if (!campaign || (organizationId && request.organization && campaign.organization_id !== organizationId)) {
      throw new AppError(404, 'campaign_not_found', `No campaign "${request.campaign}"${request.organization ? ` in ${request.organization}` : ''}`);
    }
    if (reader !== 'operator') assertCanRead(reader, campaign.organization_id);
    campaignId = campaign.id;
  }
  return { from: request.from, to: request.to, organizationId, campaignId };
}

/**
 * Checks the request and who asks before anything is sent, so that a refusal is a plain
 * JSON error; then the CSV streams from a database cursor, one row per ledger entry.
 */
export async function prepareDonationExport(
  db: Knex, reader: Reader, request: DonationExportRequest, options: RowSourceOptions = {},
): Promise<PreparedExport> {
  const scope = await resolveScope(db, reader, request);
  const name = [request.organization, request.campaign].filter(Boolean).join('-');
  return {
    filename: `donations${name ? `-${name}` : ''}-${request.from}-to-${request.to}.csv`,
    scope,
    async writeTo(out, writeOptions = {}) {
      const counter = { rows: 0 };
      let complete = false;
      try {
        if (writesCsvItself(db, options)) {
          // PostgreSQL writes the records (donation-export-query.ts); the header goes first.
          const records = await openExportRecords(db, scope, options.twoCopiesFromSpan);
          try {
            out.write(headerText(request.bom));
            await pipeline(records.stream, out, { end: writeOptions.end ?? true });
          } finally {
            counter.rows = records.count();
          }
        } else {
          const rows = await openExportRows(db, scope, options);
          await pipeline(rows, csvChunks(request.bom, counter), out, { end: writeOptions.end ?? true });
        }
        complete = true;
        return counter;
      } finally {
        await writeAudit(db, reader === 'operator' ? OPERATOR : reader, {
          action: 'export.donations', entityType: 'export', entityId: 'donations.csv', organizationId: scope.organizationId,
          before: null,
          after: {
            from: request.from, to: request.to, organization: request.organization ?? null,
            campaign: request.campaign ?? null, rows: counter.rows, complete,
          },
        });
      }
    },
  };
}

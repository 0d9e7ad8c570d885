import type { Writable } from 'node:stream';
import type { Knex } from 'knex';
import { route, type ApiRoute } from '../staff/api-route-table';
import { donationExportRequestSchema, prepareDonationExport } from './donation-export-service';
import { payoutDetail, payoutExportRequestSchema, payoutIdSchema, payoutsCsv } from './payout-export-service';

/** The sponsor's exports and payout reconciliation, in the one /api/admin route table. */
export function exportApiRoutes(db: Knex): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/admin/exports/donations.csv', produces: 'text/csv', query: donationExportRequestSchema,
      summary: "The fiscal sponsor's donation export for a date range, streamed (staff: their organization's entries)",
      handle: async ({ principal, query }) => {
        const prepared = await prepareDonationExport(db, principal, query);
        return { filename: prepared.filename, writeTo: async (res: Writable) => { await prepared.writeTo(res); } };
      },
    }),
    // A page of payouts, at most a few a day: built whole, not streamed.
    route({
      method: 'get', path: '/api/admin/exports/payouts.csv', produces: 'text/csv', query: payoutExportRequestSchema,
      summary: 'One row per Stripe payout with its reconciliation (admin and sponsor)',
      handle: async ({ principal, query }) => ({ filename: 'payouts.csv', body: await payoutsCsv(db, principal, query) }),
    }),
    route({
      method: 'get', path: '/api/admin/payouts/:id', params: payoutIdSchema,
      summary: "One payout's figures in minor units and its unmatched balance transactions (admin and sponsor)",
      handle: ({ principal, params }) => payoutDetail(db, principal, params.id),
    }),
  ];
}

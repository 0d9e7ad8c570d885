import type { Writable } from 'node:stream';
import { route, type ApiRoute } from '../staff/api-route-table';
import { donationExportRequestSchema } from './donation-export-service';
import type { ExportsService } from './exports-service';
import { payoutExportRequestSchema, payoutIdSchema } from './payout-export-service';

/** The sponsor's exports and payout reconciliation, in the one /api/admin route table. */
export function exportApiRoutes(exports: ExportsService): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/admin/exports/donations.csv', produces: 'text/csv', query: donationExportRequestSchema,
      summary: "The fiscal sponsor's donation export for a date range, streamed (staff: their organization's entries)",
      handle: async ({ principal, query }) => {
        const prepared = await exports.prepareDonationExport(principal, query);
        return { filename: prepared.filename, writeTo: async (res: Writable) => { await prepared.writeTo(res); } };
      },
    }),
    // A page of payouts, at most a few a day: built whole, not streamed.
    route({
      method: 'get', path: '/api/admin/exports/payouts.csv', produces: 'text/csv', query: payoutExportRequestSchema,
      summary: 'One row per Stripe payout with its reconciliation (admin and sponsor)',
      handle: async ({ principal, query }) => ({ filename: 'payouts.csv', body: await exports.payoutsCsv(principal, query) }),
    }),
    route({
      method: 'get', path: '/api/admin/payouts/:id', params: payoutIdSchema,
      summary: "One payout's figures in minor units and its unmatched balance transactions (admin and sponsor)",
      handle: ({ principal, params }) => exports.payoutDetail(principal, params.id),
    }),
  ];
}

import { Router } from 'express';
import type { Knex } from 'knex';
import type { Logger } from '../lib/logger';
import { parseOr422 } from '../lib/validation';
import { principalOf, requirePrincipal, type PrincipalResolver } from '../staff/principal';
import { donationExportRequestSchema, prepareDonationExport } from './donation-export-service';
import { payoutDetail, payoutExportRequestSchema, payoutIdSchema, payoutsCsv } from './payout-export-service';

export interface ExportRouteDeps {
  readonly db: Knex;
  readonly logger: Logger;
  readonly resolvers: readonly PrincipalResolver[];
}

const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE']);

export function exportRoutes(deps: ExportRouteDeps): Router {
  const router = Router();
  const signedIn = requirePrincipal(deps.resolvers);

  router.get('/api/admin/exports/donations.csv', signedIn, async (req, res) => {
    const request = parseOr422(donationExportRequestSchema, req.query);
    const prepared = await prepareDonationExport(deps.db, principalOf(res), request);
    res.status(200).set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${prepared.filename}"`,
      'Cache-Control': 'no-store',
    });
    try {
      await prepared.writeTo(res);
    } catch (error) {
      // Headers are gone: all that is left is to cut the response short so it cannot pass for whole.
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (CLIENT_GONE.has(code)) req.log?.info({ code }, 'donation export stopped: the client went away');
      else req.log?.error({ err: error }, 'donation export failed');
      res.destroy();
    }
  });

  // A page of payouts at most a few a day: built whole, not streamed.
  router.get('/api/admin/exports/payouts.csv', signedIn, async (req, res) => {
    const request = parseOr422(payoutExportRequestSchema, req.query);
    const csv = await payoutsCsv(deps.db, principalOf(res), request);
    res.status(200).set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="payouts.csv"',
      'Cache-Control': 'no-store',
    }).send(csv);
  });

  router.get('/api/admin/payouts/:id', signedIn, async (req, res) => {
    const { id } = parseOr422(payoutIdSchema, req.params);
    res.json(await payoutDetail(deps.db, principalOf(res), id));
  });

  return router;
}

import { z } from 'zod';
import { route, type ApiRoute } from '../staff/api-route-table';
import { AppError } from '../lib/errors';
import { bookSettingsPatchSchema, bookSettingsSchema } from './book-settings';
import type { BooksService } from './books-service';
import { journalFields, refineJournalRequest } from './journal-service';
import { statementRequestSchema } from './statement-service';

const bom = z.enum(['1', '0', 'true', 'false']).optional().transform((v) => v === '1' || v === 'true')
  .describe('1 starts the file with a byte-order mark (for Excel)');

/** The sponsor's books in the one route table: statements, journals and the journals' accounts. */
export function booksApiRoutes(books: BooksService): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/admin/exports/statement.csv', produces: 'text/csv',
      summary: "An organization's month in its time zone, by earmark and source: gifts, gross, refunds, disputes, processor fees, sponsor fee, net",
      query: statementRequestSchema.extend({ bom }),
      handle: ({ principal, query }) => books.statementCsv(principal, query),
    }),
    route({
      method: 'get', path: '/api/admin/exports/statement.pdf', produces: 'application/pdf',
      summary: 'The same statement as a PDF, in English or Spanish',
      query: statementRequestSchema.extend({ lang: z.enum(['en', 'es']).default('en') }),
      handle: ({ principal, query }) => books.statementPdf(principal, query),
    }),
    route({
      method: 'get', path: '/api/admin/exports/journal.csv', produces: 'text/csv',
      summary: 'Deposits as journal entries for QuickBooks Online or Xero: each payout (by arrival day) and each offline gift, balanced',
      query: refineJournalRequest(journalFields.extend({ bom })),
      handle: ({ principal, query }) => books.journalCsv(principal, query),
    }),
    route({
      method: 'get', path: '/api/admin/books/accounts', summary: 'The accounts the journals post to (admin and sponsor)',
      response: bookSettingsSchema,
      handle: async ({ principal }) => {
        if (principal.role === 'staff') throw new AppError(403, 'forbidden', "The sponsor's accounts are the sponsor's and the admins'");
        return books.settings();
      },
    }),
    route({
      method: 'patch', path: '/api/admin/books/accounts', summary: 'Change the accounts the journals post to (admins only; audited)',
      adminOnly: true, body: bookSettingsPatchSchema, response: bookSettingsSchema,
      handle: ({ principal, body }) => books.updateSettings(principal, body),
    }),
  ];
}

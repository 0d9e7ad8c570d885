import type { Knex } from 'knex';
import type { Locale } from '../lib/i18n';
import type { Principal } from '../staff/principal';
import {
  readBookSettings, updateBookSettings, type BookSettings, type BookSettingsPatch,
} from './book-settings';
import { quickbooksCsv, xeroCsv } from './journal-formats';
import { buildJournals, type Journal, type JournalRequest } from './journal-service';
import { statementCsv } from './statement-csv';
import { statementPdf } from './statement-pdf';
import { buildStatement, type Statement, type StatementRequest } from './statement-service';

export type Reader = Principal | 'operator';

export interface FileAnswer {
  readonly filename: string;
  readonly body: string | Buffer;
}

/** The sponsor's books: statements per organization and month, journals of deposits, the accounts they post to. */
export interface BooksService {
  statement(reader: Reader, request: StatementRequest): Promise<Statement>;
  statementCsv(reader: Reader, request: StatementRequest & { bom?: boolean }): Promise<FileAnswer>;
  statementPdf(reader: Reader, request: StatementRequest & { lang: Locale }): Promise<FileAnswer>;
  journals(reader: Reader, request: Omit<JournalRequest, 'format'>): Promise<Journal[]>;
  journalCsv(reader: Reader, request: JournalRequest & { bom?: boolean }): Promise<FileAnswer>;
  settings(): Promise<BookSettings>;
  updateSettings(principal: Principal, patch: BookSettingsPatch): Promise<BookSettings>;
  /** Every earmark code in use, each once, for the accounts form. */
  earmarkCodes(): Promise<string[]>;
}

export function createBooksService(db: Knex): BooksService {
  return {
    statement: (reader, request) => buildStatement(db, reader, request),
    async statementCsv(reader, request) {
      const statement = await buildStatement(db, reader, request);
      return { filename: `statement-${statement.organization.slug}-${request.month}.csv`, body: statementCsv(statement, { bom: request.bom ?? false }) };
    },
    async statementPdf(reader, request) {
      const statement = await buildStatement(db, reader, request);
      return { filename: `statement-${statement.organization.slug}-${request.month}.pdf`, body: await statementPdf(statement, request.lang) };
    },
    journals: (reader, request) => buildJournals(db, reader, request),
    async journalCsv(reader, request) {
      const journals = await buildJournals(db, reader, request);
      const scope = request.payout ?? `${request.from}-to-${request.to}`;
      const body = request.format === 'quickbooks'
        ? quickbooksCsv(journals, { bom: request.bom ?? false })
        : xeroCsv(journals, (await readBookSettings(db)).xeroTaxRate, { bom: request.bom ?? false });
      return { filename: `journal-${request.format}-${scope}.csv`, body };
    },
    settings: () => readBookSettings(db),
    updateSettings: (principal, patch) => updateBookSettings(db, principal, patch),
    earmarkCodes: () => db('earmarks').distinct('code').orderBy('code').pluck('code'),
  };
}

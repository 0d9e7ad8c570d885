import { parse } from 'csv-parse/sync';
import type { Knex } from 'knex';
import { createApiToken, type Role } from '../../src/staff/api-token-service';
import type { TestApp } from '../helpers/test-app';

export async function tokenFor(db: Knex, role: Role, organizationSlug?: string): Promise<string> {
  return (await createApiToken(db, { role, organizationSlug })).token;
}

export interface CsvAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** Records as parsed by a real CSV parser, header row first. */
  records: string[][];
}

export async function getCsv(app: TestApp, route: string, token: string | null): Promise<CsvAnswer> {
  const res = await fetch(app.baseUrl + route, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  const csv = res.headers.get('content-type')?.startsWith('text/csv');
  return { status: res.status, headers: res.headers, text, records: csv ? parse(text, { bom: true, relax_column_count: false }) as string[][] : [] };
}

/** The records as objects keyed by the header row. */
export function asObjects(records: string[][]): Record<string, string>[] {
  const [header, ...rows] = records;
  return rows.map((row) => Object.fromEntries((header ?? []).map((name, i) => [name, row[i] ?? ''])));
}

import type { Knex } from 'knex';

/**
 * Runs several independent INSERT … RETURNING id statements as one, in data-modifying CTEs: one
 * round trip instead of one each. They see the same snapshot, so none may read another's rows.
 * Returns each statement's ids, in order.
 */
export async function insertTogether(tx: Knex, statements: readonly Knex.Raw[]): Promise<number[][]> {
  if (statements.length === 0) return [];
  const names = statements.map((_, i) => `s${i}`);
  const ctes = names.map((name) => `${name} as (?)`).join(', ');
  const columns = names.map((name) => `(select coalesce(json_agg(id), '[]'::json) from ${name}) as ${name}`).join(', ');
  const { rows } = await tx.raw(`with ${ctes} select ${columns}`, [...statements]);
  const row = (rows as Array<Record<string, unknown>>)[0] ?? {};
  return names.map((name) => ((row[name] as Array<number | string> | undefined) ?? []).map(Number));
}

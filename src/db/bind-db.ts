import type { Knex } from 'knex';

/** Any function whose first argument is the database handle. */
type OverDb = (db: Knex, ...args: never) => unknown;

/** The same function with its database handle already given. */
export type BoundToDb<F> = F extends (db: Knex, ...args: infer A) => infer R ? (...args: A) => R : never;

/**
 * A service from functional service functions: each is called with this handle first, so a
 * route holds the service and never the handle. The functions themselves are unchanged.
 */
export function bindDb<T extends Record<string, OverDb>>(db: Knex, functions: T): { readonly [K in keyof T]: BoundToDb<T[K]> } {
  return Object.fromEntries(Object.entries(functions).map(([name, fn]) => [
    name, (...args: unknown[]) => (fn as (db: Knex, ...rest: unknown[]) => unknown)(db, ...args),
  ])) as { readonly [K in keyof T]: BoundToDb<T[K]> };
}

/**
 * A json or jsonb column as the driver hands it over: pg parses it, PGlite may give the text.
 * The cast is the caller's: the value is the database's own, written by our SQL.
 */
export function jsonColumn<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

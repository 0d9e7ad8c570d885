import type { z } from 'zod';
import { AppError, type FieldMessage } from './errors';

/** Parses outside input, or throws a 422 with one message per bad field. */
export function parseOr422<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const seen = new Set<string>();
  const fields: FieldMessage[] = [];
  for (const issue of result.error.issues) {
    const field = issue.path.join('.') || 'body';
    if (seen.has(field)) continue;
    seen.add(field);
    fields.push({ field, message: issue.message });
  }
  throw AppError.invalid(fields);
}

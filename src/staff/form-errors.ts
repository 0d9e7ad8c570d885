import { AppError } from '../lib/errors';

/** An error's fields under the names a page's form uses (zod paths such as `sponsor.ein` → `sponsor_ein`). */
export function formErrors(error: unknown, names: Readonly<Record<string, string>>): Record<string, string> | null {
  if (!(error instanceof AppError) || !error.fields || (error.status !== 422 && error.status !== 409)) return null;
  const out: Record<string, string> = {};
  for (const f of error.fields) {
    const name = names[f.field] ?? names[f.field.split('.')[0] ?? ''] ?? f.field;
    out[name] ??= f.message;
  }
  return out;
}

/** The list above a form: each field's message, named as the person sees it. */
export const errorList = (errors: Record<string, string>, labels: Readonly<Record<string, string>>) =>
  Object.entries(errors).map(([field, message]) => ({ field, label: labels[field] ?? field, message }));

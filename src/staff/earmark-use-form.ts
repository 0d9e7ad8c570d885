import { earmarkUseInputSchema, type EarmarkUseInput } from '../earmarks/earmark-use-service';
import { AppError } from '../lib/errors';
import { fromDecimalString } from '../lib/money';
import { parseOr422 } from '../lib/validation';
import { errorList, formErrors } from './form-errors';

/** The campaign page's "what the money paid for" form: field names as the page uses them. */
const NAMES: Record<string, string> = { 'text.en': 'use_text_en', 'text.es': 'use_text_es', amount: 'use_amount', earmark: 'use_earmark' };
const LABELS: Record<string, string> = {
  use_earmark: 'Earmark', use_text_en: 'What it paid for, in English', use_text_es: 'What it paid for, in Spanish', use_amount: 'Amount',
};

export type UseFormValues = Record<'use_earmark' | 'use_text_en' | 'use_text_es' | 'use_amount', string>;

export function useFormValues(body: unknown): UseFormValues {
  const form = (body ?? {}) as Record<string, unknown>;
  const text = (k: string) => (typeof form[k] === 'string' ? String(form[k]) : '');
  return { use_earmark: text('use_earmark'), use_text_en: text('use_text_en'), use_text_es: text('use_text_es'), use_amount: text('use_amount') };
}

/** Typed major units ("1,140" is refused; "1140" or "1140.00" is 114000 cents) to the API's input; 422 naming the field. */
export function useInputFromForm(values: UseFormValues, currency: string): EarmarkUseInput {
  const typed = values.use_amount.trim();
  const amount = typed === '' ? null : fromDecimalString(typed, currency);
  const amountError = typed !== '' && (amount === null || amount <= 0)
    ? [{ field: 'amount', message: 'must be an amount such as 1140 or 1140.50, more than zero' }] : [];
  try {
    const input = parseOr422(earmarkUseInputSchema, { text: { en: values.use_text_en, es: values.use_text_es }, amount: amountError.length ? null : amount });
    if (amountError.length) throw AppError.invalid(amountError);
    return input;
  } catch (error) {
    // Every field's message at once: the texts' and the amount's.
    if (error instanceof AppError && error.fields && amountError.length && !error.fields.some((f) => f.field === 'amount')) {
      throw AppError.invalid([...error.fields, ...amountError]);
    }
    throw error;
  }
}

/** The form's messages by field and as the list above it, or null when the error is not about fields. */
export function useFormErrors(error: unknown) {
  const errors = formErrors(error, NAMES);
  return errors ? { errors, errorList: errorList(errors, LABELS) } : null;
}

import type { FieldMessage } from '../lib/errors';
import type { CheckoutRequest } from './checkout-schemas';

export interface AskedFields {
  readonly phone: boolean;
  readonly address: boolean;
  readonly note: boolean;
}

/** An organization that does not ask for a phone, an address or a note does not keep one either. */
export function unaskedFieldProblems(ask: AskedFields, req: CheckoutRequest): FieldMessage[] {
  const problems: FieldMessage[] = [];
  if (!ask.phone && req.supporter.phone) problems.push({ field: 'supporter.phone', message: 'is not asked for by this organization' });
  if (!ask.address && req.supporter.address) problems.push({ field: 'supporter.address', message: 'is not asked for by this organization' });
  if (!ask.note && req.note) problems.push({ field: 'note', message: 'is not asked for by this organization' });
  return problems;
}

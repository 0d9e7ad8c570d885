import { z } from 'zod';
import type { AskedFields } from '../checkout/asked-fields';
import { fromDecimalString } from '../lib/money';

const field = z.string().max(2000).optional().transform((value) => value?.trim() ?? '');
const checkbox = z.string().max(10).optional().transform((value) => value !== undefined && value !== '' && value !== 'false');

/**
 * The donation form as the browser posts it (urlencoded, every value a string). It is only
 * reshaped here; the checkout schema in src/checkout/ judges it.
 */
export const formBodySchema = z.object({
  amount: field,
  otherAmount: field,
  frequency: field,
  installments: field,
  /** How a monthly gift ends: `cancel`, `installments`, `campaign_end` or `goal_met` (blank: as `installments` says). */
  ends: field,
  earmark: field,
  coverFees: checkbox,
  anonymous: checkbox,
  emailUpdates: checkbox,
  firstName: field,
  lastName: field,
  email: field,
  phone: field,
  addressLine1: field,
  addressLine2: field,
  city: field,
  region: field,
  postalCode: field,
  country: field,
  note: field,
  /** The honeypot: hidden from people, filled by form-filling robots. */
  website: field,
});

export type FormValues = z.infer<typeof formBodySchema>;

export const EMPTY_FORM: FormValues = formBodySchema.parse({});

/** The amount typed or picked, in minor units; a string the checkout schema refuses when it is not a number. */
export function amountFrom(values: FormValues, currency: string): number | string {
  const text = values.amount === 'other' || values.amount === '' ? values.otherAmount : values.amount;
  return fromDecimalString(text, currency) ?? text;
}

/**
 * The radio "how it ends" as the JSON body's `endsWith`. "When I cancel" and "after N payments"
 * leave the typed installments to decide (a number typed means N payments); anything else is
 * passed on for the checkout schema to accept or refuse.
 */
function endsWithFrom(ends: string): { endsWith?: string } {
  return ends === '' || ends === 'cancel' || ends === 'installments' ? {} : { endsWith: ends };
}

/** The form's fields in the shape of `POST /api/checkout-sessions`. */
export function toCheckoutBody(campaign: string, locale: string, values: FormValues, currency: string, asked: AskedFields): Record<string, unknown> {
  const monthly = values.frequency === 'monthly';
  const hasAddress = asked.address && [values.addressLine1, values.city, values.postalCode].some((v) => v !== '');
  const installments = values.installments === '' ? null : Number(values.installments);
  return {
    campaign,
    earmark: values.earmark || undefined,
    amount: amountFrom(values, currency),
    frequency: values.frequency || 'once',
    ...(monthly ? { installments: Number.isNaN(installments) ? values.installments : installments } : {}),
    ...(monthly ? endsWithFrom(values.ends) : {}),
    coverFees: values.coverFees,
    anonymous: values.anonymous,
    emailUpdates: values.emailUpdates,
    locale,
    note: asked.note ? values.note : undefined,
    supporter: {
      firstName: values.firstName,
      lastName: values.lastName,
      email: values.email,
      phone: asked.phone ? values.phone : undefined,
      address: hasAddress
        ? {
            line1: values.addressLine1, line2: values.addressLine2, city: values.city,
            region: values.region, postalCode: values.postalCode, country: values.country,
          }
        : undefined,
    },
  };
}

const FIELD_FOR_PATH: Readonly<Record<string, keyof FormValues>> = {
  amount: 'amount',
  currency: 'amount',
  frequency: 'frequency',
  installments: 'installments',
  endsWith: 'ends',
  earmark: 'earmark',
  note: 'note',
  supporter: 'email',
  'supporter.firstName': 'firstName',
  'supporter.lastName': 'lastName',
  'supporter.email': 'email',
  'supporter.phone': 'phone',
  'supporter.address': 'addressLine1',
  'supporter.address.line1': 'addressLine1',
  'supporter.address.line2': 'addressLine2',
  'supporter.address.city': 'city',
  'supporter.address.region': 'region',
  'supporter.address.postalCode': 'postalCode',
  'supporter.address.country': 'country',
};

/** The form field a checkout error names, by its path in the JSON body. */
export function formFieldFor(path: string): keyof FormValues | null {
  return FIELD_FOR_PATH[path] ?? null;
}

import { z } from 'zod';

/** Stripe writes a related object as its id, or as the object when expanded. */
export const stripeId = z
  .union([z.string().min(1), z.object({ id: z.string().min(1) })])
  .transform((value) => (typeof value === 'string' ? value : value.id));

export const metadata = z.record(z.string(), z.string()).nullish().transform((m) => m ?? {});

/** Our donation id as we put it in metadata; anything else is not one of ours. */
export function donationIdFrom(meta: Record<string, string>, fallback?: string | null): string | null {
  const candidate = meta.donation_id ?? fallback ?? null;
  return z.uuid().safeParse(candidate).success ? candidate : null;
}

export const timestamp = z.number().int().nonnegative().transform((seconds) => new Date(seconds * 1000));

export const balanceTransaction = z.object({
  id: z.string().startsWith('txn_'),
  amount: z.number().int(),
  fee: z.number().int(),
  net: z.number().int(),
  currency: z.string().regex(/^[a-z]{3}$/),
  created: timestamp,
});

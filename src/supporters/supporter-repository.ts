import type { Knex } from 'knex';

export interface SupporterInput {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly phone?: string | undefined;
  readonly address?: {
    readonly line1: string; readonly line2?: string | undefined; readonly city: string;
    readonly region?: string | undefined; readonly postalCode: string; readonly country: string;
  } | undefined;
  readonly locale: 'en' | 'es';
  readonly emailUpdates: boolean;
}

export interface SupporterRef {
  readonly id: string;
  readonly stripeCustomerId: string | null;
}

/**
 * One row per email per organization. A new gift refreshes the contact details; consent to
 * updates is only ever turned on here (turning it off is the unsubscribe link's job).
 */
export async function upsertSupporter(tx: Knex, organizationId: string, input: SupporterInput): Promise<SupporterRef> {
  const address = input.address;
  const row = {
    organization_id: organizationId,
    email: input.email.toLowerCase(),
    first_name: input.firstName,
    last_name: input.lastName,
    phone: input.phone ?? null,
    address_line1: address?.line1 ?? null,
    address_line2: address?.line2 ?? null,
    address_city: address?.city ?? null,
    address_region: address?.region ?? null,
    address_postal_code: address?.postalCode ?? null,
    address_country: address?.country ?? null,
    locale: input.locale,
    email_updates: input.emailUpdates,
  };
  const [saved] = await tx('supporters')
    .insert(row)
    .onConflict(['organization_id', 'email'])
    .merge({
      first_name: row.first_name,
      last_name: row.last_name,
      phone: tx.raw('coalesce(excluded.phone, supporters.phone)'),
      address_line1: tx.raw('coalesce(excluded.address_line1, supporters.address_line1)'),
      address_line2: tx.raw('case when excluded.address_line1 is null then supporters.address_line2 else excluded.address_line2 end'),
      address_city: tx.raw('coalesce(excluded.address_city, supporters.address_city)'),
      address_region: tx.raw('case when excluded.address_line1 is null then supporters.address_region else excluded.address_region end'),
      address_postal_code: tx.raw('coalesce(excluded.address_postal_code, supporters.address_postal_code)'),
      address_country: tx.raw('coalesce(excluded.address_country, supporters.address_country)'),
      locale: row.locale,
      email_updates: tx.raw('supporters.email_updates or excluded.email_updates'),
      updated_at: tx.fn.now(),
    })
    .returning(['id', 'stripe_customer_id']);
  return { id: saved.id, stripeCustomerId: saved.stripe_customer_id };
}

export async function rememberStripeCustomer(tx: Knex, supporterId: string, customerId: string): Promise<void> {
  await tx('supporters').where({ id: supporterId }).whereNull('stripe_customer_id').update({ stripe_customer_id: customerId });
}

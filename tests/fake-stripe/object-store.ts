import type { StripeObject } from '../fixtures/stripe';

interface Index {
  readonly object: string;
  readonly key: (o: StripeObject) => unknown;
}

/** The look-ups the fake's list endpoints make, each on a field Stripe never changes after creation. */
const indexes = {
  invoicePaymentsOfInvoice: { object: 'invoice_payment', key: (o) => o.invoice },
  invoicePaymentsOfIntent: { object: 'invoice_payment', key: (o) => (o.payment as { payment_intent?: unknown } | undefined)?.payment_intent },
  refundsOfCharge: { object: 'refund', key: (o) => o.charge },
  invoicesOfSubscription: {
    object: 'invoice',
    key: (o) => (o.parent as { subscription_details?: { subscription?: unknown } } | null | undefined)?.subscription_details?.subscription,
  },
} satisfies Record<string, Index>;

export type IndexName = keyof typeof indexes;

/**
 * The fake's objects by id, with its list look-ups kept as indexes, so that an answer costs
 * the same beside ten objects or ten thousand (the webhook benchmark seeds thousands).
 */
export class ObjectStore extends Map<string, StripeObject> {
  private readonly filed = new Map<IndexName, Map<string, Set<string>>>();

  override set(id: string, object: StripeObject): this {
    super.set(id, object);
    // Called by Map's own constructor before the field exists; the store is always built empty.
    if (!this.filed) return this;
    for (const [name, index] of Object.entries(indexes) as Array<[IndexName, Index]>) {
      const key = object.object === index.object ? index.key(object) : undefined;
      if (typeof key !== 'string') continue;
      const byKey = this.filed.get(name) ?? new Map<string, Set<string>>();
      this.filed.set(name, byKey);
      const ids = byKey.get(key) ?? new Set<string>();
      byKey.set(key, ids);
      ids.add(id);
    }
    return this;
  }

  /** The objects filed under `key`, oldest first; one replaced since by an object filed elsewhere is left out. */
  find(name: IndexName, key: string | null | undefined): StripeObject[] {
    if (!key) return [];
    const index: Index = indexes[name];
    const found: StripeObject[] = [];
    for (const id of this.filed.get(name)?.get(key) ?? []) {
      const object = this.get(id);
      if (object && object.object === index.object && index.key(object) === key) found.push(object);
    }
    return found;
  }
}

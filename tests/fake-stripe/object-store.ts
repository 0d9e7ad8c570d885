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
 * The lists Stripe keeps on its own books, with no field on the listed objects to find them
 * by (a balance transaction does not name the payout that paid it out): filed by the fake's
 * helpers, and paged as Stripe's list API pages, newest first.
 */
const lists = {
  balanceTransactionsOfPayout: { object: 'balance_transaction' },
} satisfies Record<string, { readonly object: string }>;

export type ListName = keyof typeof lists;

export interface PageQuery {
  readonly limit: number;
  readonly startingAfter?: string | null;
  readonly endingBefore?: string | null;
}

interface Filed {
  readonly id: string;
  readonly created: number;
  /** The order of filing, for objects created in the same second. */
  readonly seq: number;
}

/** One list, newest first (by `created`, then in the order filed); a page of it is a slice, whatever its length. */
class NewestFirst {
  private readonly filed: Filed[] = [];
  private readonly positions = new Map<string, number>();
  private sorted = true;

  add(object: StripeObject): void {
    if (this.positions.has(object.id)) return;
    this.positions.set(object.id, this.filed.length);
    this.filed.push({ id: object.id, created: Number(object.created ?? 0), seq: this.filed.length });
    this.sorted = false;
  }

  /** The ids of one page and whether more follow in its direction; undefined when the cursor is not in the list. */
  page(query: PageQuery): { ids: string[]; hasMore: boolean } | undefined {
    if (!this.sorted) {
      // Once per change to the list, not per page: the helpers file a payout's transactions, then the app pages them.
      this.filed.sort((a, b) => b.created - a.created || a.seq - b.seq);
      this.filed.forEach((f, i) => this.positions.set(f.id, i));
      this.sorted = true;
    }
    const ids = (start: number, end: number) => this.filed.slice(start, end).map((f) => f.id);
    if (query.startingAfter) {
      const at = this.positions.get(query.startingAfter);
      if (at === undefined) return undefined;
      return { ids: ids(at + 1, at + 1 + query.limit), hasMore: at + 1 + query.limit < this.filed.length };
    }
    if (query.endingBefore) {
      const at = this.positions.get(query.endingBefore);
      if (at === undefined) return undefined;
      const start = Math.max(0, at - query.limit);
      return { ids: ids(start, at), hasMore: start > 0 };
    }
    return { ids: ids(0, query.limit), hasMore: query.limit < this.filed.length };
  }
}

/**
 * The fake's objects by id, with its list look-ups kept as indexes, so that an answer costs
 * the same beside ten objects or ten thousand (the webhook benchmark seeds thousands).
 */
export class ObjectStore extends Map<string, StripeObject> {
  private readonly filed = new Map<IndexName, Map<string, Set<string>>>();
  private readonly listed = new Map<ListName, Map<string, NewestFirst>>();

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

  /** Files `object` (stored too) in list `name` under `key`; filed twice, it is listed once. */
  file(name: ListName, key: string, object: StripeObject): void {
    if (object.object !== lists[name].object) throw new Error(`${object.id} is no ${lists[name].object}`);
    this.set(object.id, object);
    const byKey = this.listed.get(name) ?? new Map<string, NewestFirst>();
    this.listed.set(name, byKey);
    const list = byKey.get(key) ?? new NewestFirst();
    byKey.set(key, list);
    list.add(object);
  }

  /**
   * One page of the list under `key`, as Stripe's list API answers it: newest first, `limit`
   * objects after the `startingAfter` cursor (or before `endingBefore`), and whether more
   * follow. Costs the page, not the list or the store. Undefined when the cursor is not in the list.
   */
  page(name: ListName, key: string, query: PageQuery): { data: StripeObject[]; hasMore: boolean } | undefined {
    const list = this.listed.get(name)?.get(key);
    if (!list) return query.startingAfter || query.endingBefore ? undefined : { data: [], hasMore: false };
    const found = list.page(query);
    if (!found) return undefined;
    const data = found.ids.map((id) => this.get(id)).filter((o): o is StripeObject => o !== undefined);
    return { data, hasMore: found.hasMore };
  }
}

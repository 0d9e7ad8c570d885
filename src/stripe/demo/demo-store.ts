import type { Knex } from 'knex';

export type DemoObject = Record<string, unknown> & { readonly id: string; readonly object: string };

/**
 * Demo mode's Stripe account: the objects a demo checkout creates, kept in
 * `demo_stripe_objects` and mirrored in memory. Webhook handlers read them through the gateway
 * inside their own transaction, and PGlite has a single connection, so the gateway reads and
 * writes memory only; the demo checkout loads before and saves after, outside any transaction.
 */
export class DemoStore {
  private readonly objects = new Map<string, DemoObject>();
  private readonly dirty = new Set<string>();

  constructor(private readonly db: Knex) {}

  get(id: string): DemoObject | null {
    return this.objects.get(id) ?? null;
  }

  require(id: string): DemoObject {
    const object = this.objects.get(id);
    if (!object) throw new Error(`demo Stripe has no ${id}`);
    return object;
  }

  put<T extends DemoObject>(object: T): T {
    this.objects.set(object.id, object);
    this.dirty.add(object.id);
    return object;
  }

  /** Reads objects (and those they name by id) from the table into memory. */
  async load(ids: readonly string[]): Promise<void> {
    const wanted = ids.filter((id) => id && !this.objects.has(id));
    if (wanted.length === 0) return;
    const rows: Array<{ id: string; data: DemoObject | string }> = await this.db('demo_stripe_objects').whereIn('id', wanted).select('id', 'data');
    const linked: string[] = [];
    for (const row of rows) {
      const data = typeof row.data === 'string' ? (JSON.parse(row.data) as DemoObject) : row.data;
      this.objects.set(row.id, data);
      for (const key of ['payment_intent', 'latest_charge', 'balance_transaction', 'subscription', 'schedule', 'latest_invoice']) {
        const value = data[key];
        if (typeof value === 'string') linked.push(value);
      }
    }
    if (linked.length > 0) await this.load(linked);
  }

  /** Writes every object changed since the last save. */
  async save(): Promise<void> {
    const rows = [...this.dirty].map((id) => this.objects.get(id)).filter((o): o is DemoObject => o !== undefined)
      .map((o) => ({ id: o.id, object: o.object, data: JSON.stringify(o) }));
    this.dirty.clear();
    if (rows.length === 0) return;
    await this.db('demo_stripe_objects').insert(rows).onConflict('id').merge(['data']);
  }
}

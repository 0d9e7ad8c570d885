/**
 * A small per-process cache of computed figures, each stored with the version of the data it was
 * computed from. A read first asks the database for the current version (an index lookup, far
 * cheaper than the sums) and recomputes only when it moved. The TTL bounds the one staleness a
 * version cannot see: a transaction that took a lower ledger id but committed after a higher one.
 */
export class VersionedCache<T> {
  private readonly entries = new Map<string, { version: string; storedAt: number; value: T }>();

  constructor(private readonly ttlMs = 10_000, private readonly maxEntries = 500) {}

  async get(key: string, version: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.version === version && Date.now() - hit.storedAt < this.ttlMs) return hit.value;
    const value = await compute();
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { version, storedAt: Date.now(), value });
    return value;
  }
}

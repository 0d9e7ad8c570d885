import { createHash } from 'node:crypto';

export interface CachedPage {
  readonly html: string;
  readonly etag: string;
  readonly frameOrigins: readonly string[];
}

/**
 * A few seconds of memory for rendered widgets: a busy page embedding the widget costs one
 * database read per campaign and language per interval, however many visitors it has.
 * Concurrent misses share one load.
 */
export class WidgetCache {
  private readonly entries = new Map<string, { page: Promise<CachedPage>; expires: number }>();

  constructor(private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  get(key: string, load: () => Promise<Omit<CachedPage, 'etag'>>): Promise<CachedPage> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.page;
    const page = load().then((p) => ({ ...p, etag: `"${createHash('sha256').update(p.html).digest('base64url').slice(0, 27)}"` }));
    this.entries.set(key, { page, expires: this.now() + this.ttlMs });
    page.catch(() => this.entries.delete(key));
    if (this.entries.size > 500) this.evictExpired();
    return page;
  }

  private evictExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expires <= now) this.entries.delete(key);
  }
}

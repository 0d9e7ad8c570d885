import type { Knex } from 'knex';
import type { Locale } from '../campaigns/campaign-types';
import { campaignProgress, type CampaignProgress } from './progress-service';
import { VersionedCache } from './versioned-cache';

/**
 * campaignProgress behind a cache whose version is the campaign's latest ledger entry and the row
 * versions (xmin) of the campaign and its earmarks, so a gift, a refund or an edit shows at once.
 */
export function cachedCampaignProgress(db: Knex): (db: Knex, slug: string, locale: Locale) => Promise<CampaignProgress> {
  const cache = new VersionedCache<CampaignProgress>();
  return async (_db, slug, locale) => {
    const { rows } = await db.raw(
      `select c.xmin::text as c, (select max(l.id) from ledger_entries l where l.campaign_id = c.id) as l,
         (select string_agg(e.id::text || ':' || e.xmin::text, ',' order by e.id) from earmarks e where e.campaign_id = c.id) as e
       from campaigns c where c.slug = ?`, [slug],
    ) as { rows: Array<{ c: string; l: number | null; e: string | null }> };
    const row = rows[0];
    if (!row) return campaignProgress(db, slug, locale);
    return cache.get(`${slug}:${locale}`, `${row.c}/${row.l ?? 0}/${row.e ?? ''}`, () => campaignProgress(db, slug, locale));
  };
}

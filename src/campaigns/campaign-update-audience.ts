import type { Knex } from 'knex';

/** How many supporters an update would reach now: the same rule as queueCampaignBroadcast. */
export async function countUpdateAudience(db: Knex, campaignId: string): Promise<number> {
  const row = await db('supporters as s')
    .where('s.email_updates', true)
    .whereExists((q) => q.select(db.raw('1')).from('ledger_entries as l')
      .whereRaw('l.supporter_id = s.id').where('l.campaign_id', campaignId).whereIn('l.kind', ['payment', 'offline']))
    .count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

export interface PostedUpdateRow {
  readonly id: string;
  readonly title: string;
  readonly postedBy: string;
  readonly postedAt: Date;
  readonly recipients: number;
}

export async function listCampaignUpdates(db: Knex, campaignId: string): Promise<PostedUpdateRow[]> {
  const rows = await db('campaign_updates').where({ campaign_id: campaignId }).orderBy('posted_at', 'desc').limit(50)
    .select('id', 'title_en', 'posted_by', 'posted_at', 'recipients');
  return rows.map((r) => ({ id: r.id, title: r.title_en, postedBy: r.posted_by, postedAt: r.posted_at, recipients: Number(r.recipients) }));
}

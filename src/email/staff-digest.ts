import type { Knex } from 'knex';
import { longDate, money } from './format';

interface DigestGift {
  receipt_number: string; gross: number; currency: string; anonymous: boolean | null;
  first_name: string; last_name: string; title_en: string; time_zone: string; day: string;
}

/**
 * For organizations whose staff asked for a daily digest: one message per address about the
 * gifts recorded on the previous day (in the organization's time zone), queued once per day.
 * The worker calls this now and then; running it more often queues nothing new.
 */
export async function queueStaffDigests(db: Knex, now: Date = new Date()): Promise<number> {
  const organizations = await db('organizations')
    .where({ staff_notice_mode: 'digest' }).whereRaw('cardinality(staff_notice_emails) > 0')
    .select('id', 'staff_notice_emails', 'time_zone');
  let queued = 0;
  for (const org of organizations) {
    const result = await db.raw(
      `select l.receipt_number, l.gross, l.currency, d.anonymous, s.first_name, s.last_name, c.title_en, o.time_zone,
              ((?::timestamptz at time zone o.time_zone)::date - 1)::text as day
       from ledger_entries l
       join organizations o on o.id = l.organization_id
       join supporters s on s.id = l.supporter_id
       join campaigns c on c.id = l.campaign_id
       left join donations d on d.id = l.donation_id
       where l.organization_id = ? and l.kind in ('payment', 'offline')
         and (l.recorded_at at time zone o.time_zone)::date = (?::timestamptz at time zone o.time_zone)::date - 1
       order by l.id`,
      [now, org.id, now],
    );
    const gifts = result.rows as DigestGift[];
    const first = gifts[0];
    if (!first) continue;
    const day = longDate(new Date(`${first.day}T12:00:00Z`), 'en', 'UTC');
    const data = {
      day, count: gifts.length,
      gifts: gifts.map((g) => ({
        receiptNumber: g.receipt_number,
        // An anonymous supporter is not named to staff, here or anywhere else.
        donor: g.anonymous ? 'Anonymous' : `${g.first_name} ${g.last_name}`,
        campaign: g.title_en,
        amount: money(Number(g.gross), g.currency, 'en'),
      })),
    };
    for (const address of org.staff_notice_emails as string[]) {
      const inserted = await db('emails')
        .insert({
          dedupe_key: `staff_digest:${org.id}:${first.day}:${address}`, template: 'staff_digest', locale: 'en',
          recipient: address, organization_id: org.id, data: JSON.stringify(data),
        })
        .onConflict('dedupe_key').ignore().returning('id');
      queued += inserted.length;
    }
  }
  return queued;
}

import type { Knex } from 'knex';
import { jsonColumn } from '../db/json-column';

/**
 * The copies of a supporter's contact data outside their own row: the emails sent to them
 * (address, template data such as a sign-in token, SMTP errors quoting the address), their
 * manage-my-gift links, the staff digests that name them and the audit row of an offline gift
 * typed in for them. Runs in the erasure's transaction.
 */
export async function eraseSupporterMessages(
  tx: Knex, supporter: { id: string; email: string; organizationId: string },
): Promise<void> {
  const placeholder = `erased-${supporter.id}@erased.invalid`;
  // A message not yet sent must not go out to the placeholder address.
  await tx('emails').where({ supporter_id: supporter.id }).where({ status: 'queued' })
    .update({ status: 'failed', last_error: 'not sent: the supporter was erased' });
  await tx('emails').where({ supporter_id: supporter.id })
    .update({ recipient: placeholder, data: JSON.stringify({}), last_error: tx.raw(`case when status = 'failed' then 'not sent: the supporter was erased' else null end`) });

  // Sign-in links are keyed by address, not supporter; another organization's supporter may share it.
  const sharedAddress = await tx('supporters').whereRaw('lower(email) = lower(?)', [supporter.email]).whereNot({ id: supporter.id })
    .whereNull('erased_at').first('id');
  if (!sharedAddress) await tx('manage_tokens').whereRaw('lower(email) = lower(?)', [supporter.email]).delete();

  const receipts = await tx('ledger_entries').where({ supporter_id: supporter.id }).whereNotNull('receipt_number').pluck('receipt_number');
  for (const receiptNumber of receipts) {
    const digests = await tx('emails').where({ template: 'staff_digest', organization_id: supporter.organizationId })
      .whereRaw(`data->'gifts' @> ?::jsonb`, [JSON.stringify([{ receiptNumber }])]).select('id', 'data');
    for (const digest of digests) {
      const data = jsonColumn<{ gifts?: Array<Record<string, unknown>> }>(digest.data);
      const gifts = (data.gifts ?? []).map((g) => (g.receiptNumber === receiptNumber ? { ...g, donor: 'Erased supporter' } : g));
      await tx('emails').where({ id: digest.id }).update({ data: JSON.stringify({ ...data, gifts }) });
    }
  }

  const donations = await tx('donations').where({ supporter_id: supporter.id }).pluck('id');
  if (donations.length > 0) {
    await tx('audit_log').where({ action: 'offline_gift.record' })
      .whereRaw(`after->>'donationId' in (${donations.map(() => '?').join(', ')})`, donations)
      .update({ after: tx.raw(`(after - 'note' - 'supporter') || '{"supporter":{"erased":true}}'::jsonb`) });
  }
}

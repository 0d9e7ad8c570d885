import type { Knex } from 'knex';

// Emailed links are minted when the message is sent: the flow's row exists from the request on,
// without a token, and gets the hash of the token the message carries (a retry mints a new one).
// Password reset rows were keyed by the hash; the key becomes a plain id and the hash a column.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table manage_tokens alter column token_hash drop not null');
  await knex.schema.alterTable('password_reset_tokens', (t) => {
    t.text('token_hash').unique('password_reset_tokens__token_hash');
  });
  await knex.raw('update password_reset_tokens set token_hash = id');
  // A queued row from before kept the raw token or link: it is dropped, never sent with a secret.
  await knex('emails').whereIn('template', ['manage_link', 'password_reset']).whereIn('status', ['queued', 'sending'])
    .update({ status: 'failed', last_error: 'dropped: it held a sign-in link; ask for a new one', data: JSON.stringify({ redacted: true }) });
  await knex('emails').whereIn('template', ['manage_link', 'password_reset']).update({ data: JSON.stringify({ redacted: true }) });
}

export async function down(knex: Knex): Promise<void> {
  await knex('manage_tokens').whereNull('token_hash').delete();
  await knex.raw('alter table manage_tokens alter column token_hash set not null');
  await knex('password_reset_tokens').whereNull('token_hash').delete();
  await knex.schema.alterTable('password_reset_tokens', (t) => {
    t.dropUnique(['token_hash'], 'password_reset_tokens__token_hash');
    t.dropColumn('token_hash');
  });
}

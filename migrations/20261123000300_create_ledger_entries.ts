import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('receipt_counters', (t) => {
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('restrict');
    t.integer('year').notNullable();
    t.integer('last_number').notNullable();
    t.primary(['organization_id', 'year']);
  });

  await knex.schema.createTable('ledger_entries', (t) => {
    t.bigIncrements('id').primary();
    t.text('kind').notNullable();
    t.uuid('organization_id').notNullable().references('organizations.id').onDelete('restrict');
    t.uuid('campaign_id').notNullable().references('campaigns.id').onDelete('restrict');
    t.uuid('earmark_id').notNullable().references('earmarks.id').onDelete('restrict');
    t.uuid('supporter_id').notNullable().references('supporters.id').onDelete('restrict');
    t.uuid('donation_id').references('donations.id').onDelete('restrict');
    t.bigInteger('gross').notNullable();
    t.bigInteger('fee').notNullable();
    t.bigInteger('net').notNullable();
    t.text('currency').notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.integer('installment');
    t.text('payment_method');
    t.text('card_last4');
    t.text('check_number');
    t.text('stripe_charge_id');
    t.text('stripe_invoice_id');
    t.text('stripe_refund_id');
    t.text('stripe_dispute_id');
    t.text('stripe_balance_transaction_id').unique('ledger_entries__stripe_balance_transaction_id');
    t.text('receipt_number');
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['campaign_id', 'occurred_at'], 'ledger_entries__campaign_id_occurred_at');
    t.index(['donation_id'], 'ledger_entries__donation_id');
    t.index(['stripe_charge_id'], 'ledger_entries__stripe_charge_id');
  });
  await knex.raw(`alter table ledger_entries
    add constraint ledger_entries__kind check (kind in ('payment', 'refund', 'dispute', 'dispute_reversal', 'offline')),
    add constraint ledger_entries__currency check (currency ~ '^[a-z]{3}$'),
    add constraint ledger_entries__net check (net = gross - fee),
    add constraint ledger_entries__signs check (case kind
      when 'payment' then gross > 0 and fee >= 0
      when 'offline' then gross > 0 and fee >= 0
      when 'refund' then gross < 0
      when 'dispute' then gross < 0 and fee >= 0
      when 'dispute_reversal' then gross > 0 and fee <= 0
    end),
    add constraint ledger_entries__stripe_ids check (
      kind = 'offline' or stripe_balance_transaction_id is not null),
    add constraint ledger_entries__installment check (installment is null or installment >= 1)`);
  // One payment entry per charge and one refund entry per refund, whatever Stripe replays.
  await knex.raw(`create unique index ledger_entries__payment_charge on ledger_entries (stripe_charge_id) where kind = 'payment'`);
  await knex.raw(`create unique index ledger_entries__refund on ledger_entries (stripe_refund_id) where kind = 'refund'`);
  await knex.raw(`create unique index ledger_entries__receipt_number on ledger_entries (organization_id, receipt_number)`);
  // Append-only: corrections are new entries, never edits.
  await knex.raw(`create function ledger_entries_refuse_change() returns trigger language plpgsql as $$
    begin raise exception 'ledger_entries is append-only (% refused)', tg_op; end $$`);
  await knex.raw(`create trigger ledger_entries__append_only before update or delete on ledger_entries
    for each row execute function ledger_entries_refuse_change()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ledger_entries');
  await knex.raw('drop function ledger_entries_refuse_change()');
  await knex.schema.dropTable('receipt_counters');
}

import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Stripe's deposits into the sponsor's bank account. The ledger is append-only, so the
  // link from an entry to its payout lives here rather than on the entry.
  await knex.schema.createTable('payouts', (t) => {
    t.text('id').primary();
    t.bigInteger('amount').notNullable();
    t.text('currency').notNullable();
    t.timestamp('arrival_date', { useTz: true }).notNullable();
    t.text('status').notNullable();
    t.timestamp('reconciled_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table payouts
    add constraint payouts__id_format check (id ~ '^po_'),
    add constraint payouts__currency check (currency ~ '^[a-z]{3}$')`);

  // One row per balance transaction a payout paid out (the payout's own transaction is left
  // out). A balance transaction is paid out once, so its id is the key and the export's join
  // from a ledger entry finds at most one payout.
  await knex.schema.createTable('payout_balance_transactions', (t) => {
    t.text('balance_transaction_id').primary();
    t.text('payout_id').notNullable().references('payouts.id').onDelete('restrict');
    t.bigInteger('amount').notNullable();
    t.bigInteger('fee').notNullable();
    t.bigInteger('net').notNullable();
    t.text('currency').notNullable();
    t.text('type').notNullable();
    t.text('source_id');
    t.bigInteger('ledger_entry_id').references('ledger_entries.id').onDelete('restrict');
    t.index(['payout_id'], 'payout_balance_transactions__payout_id');
  });
  await knex.raw(`alter table payout_balance_transactions
    add constraint payout_balance_transactions__net check (net = amount - fee)`);
  await knex.raw('create index ledger_entries__occurred_at on ledger_entries (occurred_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists ledger_entries__occurred_at');
  await knex.schema.dropTable('payout_balance_transactions');
  await knex.schema.dropTable('payouts');
}

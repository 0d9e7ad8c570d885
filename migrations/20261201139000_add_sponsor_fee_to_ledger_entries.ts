import type { Knex } from 'knex';

// The sponsor's administrative fee, fixed on each ledger entry when it is written, with the
// rate it was charged at: changing an organization's rate moves only later entries.
// Existing entries keep 0 (the column default; adding it updates no row, so the
// append-only trigger is not involved).
//
// A trigger, not application code, so that every path that appends an entry charges it:
// - a payment or offline gift: the organization's rate on its gross, rounded half up;
// - a refund, dispute or won dispute: the original payment's fee in proportion to the gross
//   reversed. The share is taken of everything reversed on that charge so far, less what
//   earlier reversals already took back, so a whole refund in parts returns exactly the fee
//   charged, never a cent more or less.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('ledger_entries', (t) => {
    t.bigInteger('sponsor_fee').notNullable().defaultTo(0);
    t.integer('sponsor_fee_bps').notNullable().defaultTo(0);
  });
  await knex.raw(`alter table ledger_entries
    add constraint ledger_entries__sponsor_fee_bps check (sponsor_fee_bps between 0 and 10000)`);
  await knex.raw(`create function ledger_entries_charge_sponsor_fee() returns trigger language plpgsql as $$
    declare
      original record;
      reversed_gross bigint;
      reversed_fee bigint;
      share bigint;
    begin
      if new.kind in ('payment', 'offline') then
        select sponsor_fee_bps into new.sponsor_fee_bps from organizations where id = new.organization_id;
        new.sponsor_fee_bps := coalesce(new.sponsor_fee_bps, 0);
        -- half up: floor((2 * gross * bps + 10000) / 20000), gross > 0 here
        new.sponsor_fee := (2 * new.gross * new.sponsor_fee_bps + 10000) / 20000;
        return new;
      end if;
      select gross, sponsor_fee, sponsor_fee_bps into original from ledger_entries
        where kind = 'payment' and stripe_charge_id = new.stripe_charge_id;
      if new.stripe_charge_id is null or not found or original.gross <= 0 then
        new.sponsor_fee_bps := 0;
        new.sponsor_fee := 0;
        return new;
      end if;
      select coalesce(sum(gross), 0), coalesce(sum(sponsor_fee), 0) into reversed_gross, reversed_fee
        from ledger_entries where stripe_charge_id = new.stripe_charge_id and kind <> 'payment';
      reversed_gross := reversed_gross + new.gross;
      share := (2 * abs(reversed_gross) * original.sponsor_fee + original.gross) / (2 * original.gross);
      if reversed_gross < 0 then share := -share; end if;
      new.sponsor_fee_bps := original.sponsor_fee_bps;
      new.sponsor_fee := share - reversed_fee;
      return new;
    end $$`);
  await knex.raw(`create trigger ledger_entries__sponsor_fee before insert on ledger_entries
    for each row execute function ledger_entries_charge_sponsor_fee()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger ledger_entries__sponsor_fee on ledger_entries');
  await knex.raw('drop function ledger_entries_charge_sponsor_fee()');
  await knex.raw('alter table ledger_entries drop constraint ledger_entries__sponsor_fee_bps');
  // Dropping columns is not an update: the append-only trigger does not fire.
  await knex.schema.alterTable('ledger_entries', (t) => t.dropColumns('sponsor_fee', 'sponsor_fee_bps'));
}

import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_tokens', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('token_hash').notNullable().unique('api_tokens__token_hash');
    t.text('prefix').notNullable();
    t.text('role').notNullable();
    t.uuid('organization_id').references('organizations.id').onDelete('restrict');
    t.text('label').notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
  });
  await knex.raw(`alter table api_tokens
    add constraint api_tokens__role check (role in ('admin', 'staff', 'sponsor')),
    add constraint api_tokens__staff_organization check ((role = 'staff') = (organization_id is not null))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('api_tokens');
}

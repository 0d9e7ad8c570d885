import type { Knex } from 'knex';

// rate-limiter-flexible's PostgreSQL store: the shape it reads and writes (key, points, expire
// in epoch milliseconds). Created here rather than by the library, so no instance runs DDL.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limits', (t) => {
    t.string('key', 255).primary();
    t.integer('points').notNullable().defaultTo(0);
    t.bigInteger('expire');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limits');
}

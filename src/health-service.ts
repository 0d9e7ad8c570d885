import type { Knex } from 'knex';

/** What `/healthz` asks: whether the database answers at all. */
export interface HealthService {
  databaseAnswers(): Promise<unknown>;
}

export function createHealthService(db: Knex): HealthService {
  return { databaseAnswers: () => db.raw('select 1') };
}

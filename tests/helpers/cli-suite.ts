/**
 * The command-line tests start the real CLI (tsx) on an embedded PGlite database of their own,
 * whatever TEST_DATABASE_URL says, so a second pass on PostgreSQL would repeat them to the
 * letter: they run in the PGlite pass (`npm test` without TEST_DATABASE_URL) only.
 */
export const describeCli: jest.Describe = process.env.TEST_DATABASE_URL ? describe.skip : describe;

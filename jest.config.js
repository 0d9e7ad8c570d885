/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  setupFilesAfterEnv: ['<rootDir>/tests/helpers/setup-env.ts'],
  // Migrates one database per run; each file gets its own copy (tests/helpers/test-db-template.ts).
  globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/tests/helpers/global-teardown.ts',
  testTimeout: 30000,
  // One test file per process (a worker is recycled after each file): nock, Stripe's fake and
  // servers of one file can never leak into the next. Two such processes at a time.
  maxWorkers: 2,
  workerIdleMemoryLimit: '1MB',
};

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  setupFilesAfterEnv: ['<rootDir>/tests/helpers/setup-env.ts'],
  testTimeout: 30000,
  // One test file per process: nock, Stripe's fake and servers of one file can never leak into the next.
  maxWorkers: 1,
  workerIdleMemoryLimit: '1MB',
};

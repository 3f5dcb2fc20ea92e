/**
 * `npm run test:scale`: two API and two worker processes against the Temporal server
 * on PostgreSQL (test/scale/). Not part of `npm test`: building that server takes
 * minutes on a machine that has not built it before, and the suite adds a few more.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require('./test/support/jest-shared'),
  rootDir: __dirname,
  displayName: 'scale',
  testMatch: ['<rootDir>/test/scale/**/*.test.ts'],
  testTimeout: 300_000,
  globalSetup: '<rootDir>/test/support/scale-setup.ts',
  globalTeardown: '<rootDir>/test/support/scale-teardown.ts',
};

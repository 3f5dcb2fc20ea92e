/** @type {import('jest').Config} */
const shared = require('./test/support/jest-shared');

module.exports = {
  testTimeout: 60_000,
  projects: [
    // Pure logic: nothing to start, runs in seconds.
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      // The browser tests (the console in chromium) run against the same kind of stack, so they share the setup.
      testMatch: ['<rootDir>/test/integration/**/*.test.ts', '<rootDir>/test/browser/**/*.test.ts'],
      // Starts one real PostgreSQL and one Temporal dev server for the integration and browser files only, and builds the console.
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};

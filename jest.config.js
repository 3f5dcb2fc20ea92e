/** @type {import('jest').Config} */
const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    '/@opentelemetry/otlp-exporter-base/build/src/.+\\.js$': '<rootDir>/test/support/require-builtins-transform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!@opentelemetry/otlp-exporter-base/)'],
  // NODE_ENV=development, the only mode with the development defaults (src/config.ts fails closed otherwise).
  setupFiles: ['<rootDir>/test/support/development-env.ts'],
};

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

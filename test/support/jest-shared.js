// What every Jest project of this repository shares: jest.config.js (npm test) and jest.scale.config.js (npm run test:scale).
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    '/@opentelemetry/otlp-exporter-base/build/src/.+\\.js$': '<rootDir>/test/support/require-builtins-transform.js',
  },
  transformIgnorePatterns: ['/node_modules/(?!@opentelemetry/otlp-exporter-base/)'],
  // NODE_ENV=development, the only mode with the development defaults (src/config.ts fails closed otherwise).
  setupFiles: ['<rootDir>/test/support/development-env.ts'],
};

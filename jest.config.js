/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|js)$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  // Fastify's inject() loads `cookie`, which ships only as an ES module: jest on Node 20 needs it compiled.
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Integration tests wait for real servers and a real browser.
  testTimeout: 60_000,
};

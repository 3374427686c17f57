/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(ts|js)$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  // `cookie` (loaded by Fastify's inject()) and `jose` ship only as ES modules: jest on Node 20 needs them compiled.
  transformIgnorePatterns: ['/node_modules/(?!(cookie|jose)/)'],
  // Lazy imports name the file as Node resolves it after compiling (`import('./stand-in.js')`); jest finds the .ts.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Integration tests wait for real servers and a real browser.
  testTimeout: 60_000,
};

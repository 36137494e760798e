// Jest runs the TypeScript sources directly in its ESM mode; ts-jest only strips types here
// (type checking is `npm run typecheck`), which keeps the suite fast.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: { isolatedModules: true, allowImportingTsExtensions: true, rewriteRelativeImportExtensions: false, noEmit: false } }],
  },
  testMatch: ['<rootDir>/engine/**/*.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts', '<rootDir>/tools/**/*.test.ts', '<rootDir>/workers/**/*.test.ts', '<rootDir>/simulators/**/*.test.ts', '<rootDir>/contracts/**/*.test.ts', '<rootDir>/stack/**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 60_000,
  // fetch keeps idle keep-alive sockets for a few seconds after the last test
  openHandlesTimeout: 5_000,
};

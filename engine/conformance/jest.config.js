// The engine's black-box conformance suite: `npm run test:conformance`. It speaks only the Zeebe
// gateway gRPC protocol (through @camunda8/sdk) and REST API v2, so it runs against the project's
// engine (started in-process by the global setup) or, when ZEEBE_GRPC_ADDRESS / ZEEBE_ADDRESS is
// set, against any Camunda 8.8/8.9 cluster. See engine/conformance/README.md.
import base from '../../jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  rootDir: '../..',
  // *.conformance.ts, not *.test.ts: the engine's and the repo's jest configs match engine/**/*.test.ts,
  // and these tests need this config's global setup (and must not pin a shared stack's clock)
  testMatch: ['<rootDir>/engine/conformance/**/*.conformance.ts'],
  globalSetup: '<rootDir>/engine/conformance/support/global-setup.ts',
  globalTeardown: '<rootDir>/engine/conformance/support/global-teardown.ts',
  // one file at a time: clock pins (PUT /v2/clock) are cluster-wide and would move other files' timers
  maxWorkers: 1,
  testTimeout: 60_000,
};

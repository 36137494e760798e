// The engine's own tests, without the farm's stack (no database migration in a global setup):
// `npm run test:engine`. `npm test` runs them too, with everything else.
import base from '../jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  rootDir: '..',
  testMatch: ['<rootDir>/engine/**/*.test.ts'],
  globalSetup: undefined,
};

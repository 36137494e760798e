// Which unhandled errors are outages (the job keeps its retries) and which are defects.
import { isInfrastructureError } from './failure-classification.ts';

test('database and network outages are infrastructure', () => {
  expect(isInfrastructureError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:55432'), { code: 'ECONNREFUSED' }))).toBe(true);
  expect(isInfrastructureError(new Error('wrapped', { cause: Object.assign(new Error('terminating connection'), { code: '57P01' }) }))).toBe(true);
});

test('the engine saying "not now" over gRPC is infrastructure, by status code or by message', () => {
  expect(isInfrastructureError(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: 'No connection established' }))).toBe(true);
  expect(isInfrastructureError(new Error('8 RESOURCE_EXHAUSTED: Failed to write client request to partition 1'))).toBe(true);
  expect(isInfrastructureError(Object.assign(new Error('deadline'), { code: 4, details: 'Deadline exceeded' }))).toBe(true);
  // the gateway lost its broker connection mid-request (seen while a broker starts under load)
  expect(isInfrastructureError(new Error('10 ABORTED: Connection RemoteClientConnection{channel=[id: 0x97f7973e]} was closed'))).toBe(true);
});

test('anything else is a defect', () => {
  expect(isInfrastructureError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(false);
  expect(isInfrastructureError(Object.assign(new Error('5 NOT_FOUND: job not found'), { code: 5, details: 'job not found' }))).toBe(false);
  expect(isInfrastructureError(Object.assign(new Error('HTTP 14'), { code: 14 }))).toBe(false);
});

// A storm of 503s from one system must not starve the job types that do not call it: inventory
// answers every reservation 503 with Retry-After 30 s, the farm has 2 slots, and while two
// reservations wait out their backoff in the farm a new order's CRM check still runs at once
// (a backoff hold gives its slot up, src/worker-runtime/job-slots.ts).
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { eventually } from '../support/process-test.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';

let h: FulfillmentHarness;
beforeAll(async () => {
  h = await FulfillmentHarness.start({ maxConcurrentJobs: 2, jobTimeoutMs: 120_000 });
});
afterAll(async () => {
  await h.clearFaults().catch(() => undefined);
  await h.close();
});

test('while two inventory backoffs are held, another order\'s CRM check runs at once', async () => {
  await h.fault({ system: 'inventory', operation: 'createReservation', fault: { type: 'status', status: 503, retryAfterSeconds: 30 }, times: -1 });
  const stormed = [await h.submitOrder(sampleOrder()), await h.submitOrder(sampleOrder())];
  // both reservations failed once: their 30 s backoffs are being held in the farm
  for (const orderId of stormed) {
    await eventually(`a failed reservation of ${orderId}`, async () => ((await h.attempts(orderId)).some((a) => a.operation_code === 'RESERVE_RESOURCE' && a.status === 'FAILED') ? true : undefined), { timeoutMs: 30_000 });
  }
  expect(h.farm?.inFlight()).toBe(2);

  const started = Date.now();
  const other = await h.submitOrder(sampleOrder());
  await eventually(`the CRM check of ${other}`, async () => ((await h.attempts(other)).some((a) => a.system_code === 'CRM' && a.status === 'SUCCEEDED') ? true : undefined), { timeoutMs: 20_000, intervalMs: 100 });
  // far sooner than the 30 s the held backoffs last
  expect(Date.now() - started).toBeLessThan(10_000);
});

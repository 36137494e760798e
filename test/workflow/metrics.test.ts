// After a few orders through the farm, a scrape of /metrics shows each named series (seed 000 §24
// and the job series) with counts where the orders exercised them: a billing 503 (failed job,
// retried call), a suspended customer (BPMN error), an ambiguous billing call (incident,
// reconciliation case opened and resolved).
import { randomUUID } from 'node:crypto';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { farmOpsEndpoints } from '../../src/main/farm/ops.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { parseMetricsText, seriesTotal, type Sample } from '../../src/platform/metrics-text.ts';
import { closeChecks, type OpsEndpoints } from '../../src/platform/ops-endpoints.ts';
import { startOpsServer, type OpsServer } from '../../src/platform/ops-server.ts';
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';

let h: FulfillmentHarness;
let ops: OpsServer;
let endpoints: OpsEndpoints;
beforeAll(async () => {
  h = await FulfillmentHarness.start({ env: { EXTERNAL_RESPONSE_TIMEOUT_MS: '1500' } });
  endpoints = farmOpsEndpoints({ config: h.config, db: h.db, zeebe: h.pt.zeebe, kafka: false, draining: () => false, inFlight: () => h.farm?.inFlight() ?? 0 });
  ops = await startOpsServer({ ...endpoints, host: '127.0.0.1', port: 0, log: createLogger('metrics-test', 'silent') });
}, 60_000);
afterAll(async () => {
  await ops?.close();
  if (endpoints) await closeChecks(endpoints);
  await h?.close();
});

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${ops.url}/metrics`);
  expect(res.status).toBe(200);
  return parseMetricsText(await res.text());
}

test('after orders with a retry, a rejection and an ambiguity, each named series has counts', async () => {
  const retried = sampleOrder();
  const ambiguous = sampleOrder();
  await h.fault({ system: 'billing', operation: 'activateSubscription', match: { subscriptionId: retried.subscription.subscriptionId }, fault: { type: 'status', status: 503 }, times: 1 });
  await h.fault({ system: 'billing', operation: 'activateSubscription', match: { subscriptionId: ambiguous.subscription.subscriptionId }, fault: { type: 'timeout-after-commit', ms: 4_000 }, times: 1 });
  const ids = {
    retried: await h.submitOrder(retried),
    suspended: await h.submitOrder(sampleOrder({ customerAccountId: `CUST-SUSPENDED-${randomUUID().slice(0, 6)}` })),
    ambiguous: await h.submitOrder(ambiguous),
  };
  await h.awaitOrderStatus(ids.suspended, 'REJECTED');
  await h.awaitOrderStatus(ids.retried, 'COMPLETED', 90_000);
  // the reconciler observes the committed activation and resumes the order
  await h.awaitOrderStatus(ids.ambiguous, 'COMPLETED', 90_000);

  const s = await scrape();
  const total = (name: string, where: Record<string, string> = {}) => seriesTotal(s, name, where) ?? 0;
  const billing = { system: 'BILLING', operation: 'ACTIVATE_SUBSCRIPTION' };

  // jobs, by job type
  expect(total('job_activated_total', { job_type: 'billing.activate-subscription.v1' })).toBeGreaterThanOrEqual(3);
  expect(total('job_completed_total', { job_type: 'billing.activate-subscription.v1' })).toBeGreaterThanOrEqual(2);
  expect(total('job_failed_total', { job_type: 'billing.activate-subscription.v1' })).toBeGreaterThanOrEqual(1);
  expect(total('job_bpmn_error_total', { job_type: 'crm.validate-customer-account.v1' })).toBeGreaterThanOrEqual(1);
  expect(total('job_incident_total', { job_type: 'billing.activate-subscription.v1' })).toBeGreaterThanOrEqual(1);
  expect(total('job_handler_duration_ms', { job_type: 'billing.activate-subscription.v1' })).toBeGreaterThanOrEqual(3);

  // external calls (seed 000 §24)
  expect(total('external_call_total', { ...billing, status: 'SUCCEEDED' })).toBeGreaterThanOrEqual(2);
  expect(total('external_call_total', { ...billing, status: 'FAILED' })).toBeGreaterThanOrEqual(1);
  expect(total('external_call_total', { system: 'CRM', status: 'REJECTED' })).toBeGreaterThanOrEqual(1);
  expect(total('external_call_latency_ms', billing)).toBeGreaterThanOrEqual(3);
  expect(total('external_call_retry_total', { ...billing, failure_category: 'SERVER_ERROR' })).toBeGreaterThanOrEqual(1);
  expect(total('external_call_ambiguous_total', billing)).toBe(1);
  // every system's circuit is reported; none opened here
  for (const system of ['CRM', 'INVENTORY', 'PROVISIONING', 'BILLING', 'NOTIFICATION']) expect(seriesTotal(s, 'external_call_circuit_open', { system })).toBe(0);

  // reconciliation cases, by status they entered
  expect(total('reconciliation_case_total', { system: 'BILLING', mismatch_type: 'AMBIGUOUS_OUTCOME', status: 'OPEN' })).toBe(1);
  expect(total('reconciliation_case_total', { system: 'BILLING', mismatch_type: 'AMBIGUOUS_OUTCOME', status: 'RESOLVED' })).toBe(1);
}, 200_000);

test('the same replica answers ready: engine and database reachable, not draining', async () => {
  const res = await fetch(`${ops.url}/health/ready`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'UP', checks: { farm: { ok: true }, engine: { ok: true }, database: { ok: true } } });
});

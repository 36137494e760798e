// Tenant configuration on the real stack (seed 000 §10, §25): a tenant whose capability is disabled
// takes the documented path without calling the system (notification: skipped, billing: fallout for
// a person until it is enabled), and a tenant with its own endpoint and credential is served there,
// with the credential nowhere in the ledger, the events or the log output.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'slonik';
import { z } from 'zod';
import { startSimulators } from '../../simulators/server.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { configureTenant, removeTenant, setCapability } from '../support/tenant-config.ts';

const run = randomUUID().slice(0, 8);
const tenants = { quiet: `tenant-quiet-${run}`, unbilled: `tenant-unbilled-${run}`, own: `tenant-own-${run}` };
const SECRET = `own-billing-token-${randomUUID()}`;
const logLines: string[] = [];
let h: FulfillmentHarness;
let ownBilling: Awaited<ReturnType<typeof startSimulators>>;
let secrets: string;

beforeAll(async () => {
  secrets = mkdtempSync(path.join(tmpdir(), 'tenant-secrets-'));
  // the tenant's own billing system, which accepts only the tenant's token
  ownBilling = await startSimulators({ port: 0, host: '127.0.0.1', credentials: { billingToken: SECRET } });
  h = await FulfillmentHarness.start({
    // rows are read on every call, so a capability enabled by the test applies to the next job
    env: { CREDENTIALS_DIR: secrets, INTEGRATION_CONFIG_TTL_MS: '0' },
    log: createLogger('tenant-configuration-test', 'trace', { write: (line: string) => void logLines.push(line) }),
  });
});
afterAll(async () => {
  for (const t of Object.values(tenants)) await removeTenant(h.db, t);
  await h.close();
  await ownBilling.close();
  rmSync(secrets, { recursive: true, force: true });
});

const taskRow = z.object({ status: z.string(), result: z.unknown() });
const task = (orderId: string, taskType: string) => h.db.one(sql.type(taskRow)`select status, result from fulfillment_task where order_id = ${orderId} and task_type = ${taskType}`);
const eventTypes = async (orderId: string) => [...(await h.db.anyFirst(sql.type(z.object({ event_type: z.string() }))`select event_type from outbox_event where message_key = ${orderId}`))];

test('notification disabled for the tenant: the order completes without a confirmation, the step is SKIPPED, nothing is sent', async () => {
  await configureTenant(h.db, tenants.quiet, { disabled: ['NOTIFICATION_SEND_EMAIL'] });
  const order = sampleOrder({ tenantId: tenants.quiet });
  const orderId = await h.submitOrder(order);
  await h.awaitOrderStatus(orderId, 'COMPLETED');
  const passed = await h.pt.awaitPassed(await h.processInstanceOf(orderId), ['EndEvent_OrderCompleted']);
  expect(passed).toContain('ServiceTask_NotifyCustomer');

  expect(await task(orderId, 'NOTIFY_CUSTOMER')).toEqual({ status: 'SKIPPED', result: { capability: 'NOTIFICATION_SEND_EMAIL', disabled: 'CAPABILITY_DISABLED', detail: `NOTIFICATION_SEND_EMAIL is disabled for tenant ${tenants.quiet}` } });
  const systems = (await h.attempts(orderId)).map((a) => a.system_code);
  expect(systems).toEqual(expect.arrayContaining(['CRM', 'INVENTORY', 'PROVISIONING', 'BILLING']));
  expect(systems).not.toContain('NOTIFICATION');
  expect((await h.sideEffects({ system: 'notification' })).filter((e) => e.ref.includes(orderId))).toHaveLength(0);
  expect(await h.sideEffects({ system: 'billing', ref: order.subscription.subscriptionId })).toHaveLength(1);
  expect(await eventTypes(orderId)).not.toContain('CustomerNotified');
});

test('billing disabled for the tenant: billing fallout for a person, nothing billed; once enabled, RETRY bills once and completes', async () => {
  await configureTenant(h.db, tenants.unbilled, { disabled: ['BILLING_ACTIVATE_SUBSCRIPTION'] });
  const order = sampleOrder({ tenantId: tenants.unbilled });
  const orderId = await h.submitOrder(order);
  const pik = await h.processInstanceOf(orderId);
  const fallout = await h.pt.awaitUserTask(pik, 'UserTask_ResolveBillingFallout');
  expect(await h.pt.awaitPassed(pik, ['BoundaryEvent_BillingRejected'])).toContain('BoundaryEvent_BillingRejected');
  expect(await task(orderId, 'ACTIVATE_BILLING')).toMatchObject({ status: 'REJECTED', result: { capability: 'BILLING_ACTIVATE_SUBSCRIPTION', disabled: 'CAPABILITY_DISABLED' } });
  expect((await h.attempts(orderId)).map((a) => a.system_code)).not.toContain('BILLING');
  expect(await h.sideEffects({ system: 'billing', ref: order.subscription.subscriptionId })).toHaveLength(0);

  await setCapability(h.db, tenants.unbilled, 'BILLING_ACTIVATE_SUBSCRIPTION', true);
  await h.pt.completeUserTask(fallout.key, { falloutDecision: 'RETRY', falloutNote: 'billing enabled for the tenant' });
  await h.awaitOrderStatus(orderId, 'COMPLETED');
  expect(await h.sideEffects({ system: 'billing', ref: order.subscription.subscriptionId })).toHaveLength(1);
  expect((await task(orderId, 'ACTIVATE_BILLING')).status).toBe('SUCCEEDED');
});

test("a tenant's own billing endpoint and credential: billed there, and the credential leaves no trace in ledger, events or logs", async () => {
  await configureTenant(h.db, tenants.own, { systems: { BILLING: { baseUrl: `${ownBilling.url}/billing`, authProfile: 'TENANT' } } });
  mkdirSync(path.join(secrets, tenants.own), { recursive: true });
  writeFileSync(path.join(secrets, tenants.own, 'billing'), `${SECRET}\n`);
  // a careless endpoint: its first answer quotes the credential back (the farm retries the 503)
  const fault = await fetch(`${ownBilling.url}/__sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ system: 'billing', operation: 'activateSubscription', fault: { type: 'status', status: 503, body: { code: 'UPSTREAM', message: `gateway could not verify Bearer ${SECRET} (token ${SECRET})` } }, times: 1 }),
  });
  expect(fault.status).toBe(201);

  const order = sampleOrder({ tenantId: tenants.own });
  const orderId = await h.submitOrder(order);
  await h.awaitOrderStatus(orderId, 'COMPLETED');

  const ref = order.subscription.subscriptionId;
  expect((await fetch(`${ownBilling.url}/__sim/side-effects?system=billing&ref=${ref}`).then((r) => r.json())) as unknown[]).toHaveLength(1);
  expect(await h.sideEffects({ system: 'billing', ref })).toHaveLength(0);
  const billing = (await h.attempts(orderId)).find((a) => a.system_code === 'BILLING');
  expect(billing).toMatchObject({ status: 'SUCCEEDED', attempt_no: 2 });

  const text = z.object({ t: z.string().nullable() });
  const stored = [
    ...(await h.db.anyFirst(sql.type(text)`select a::text as t from external_call_attempt a where a.tenant_id = ${tenants.own}`)),
    ...(await h.db.anyFirst(sql.type(text)`select e::text as t from external_call_evidence e join external_call_attempt a using (external_call_id) where a.tenant_id = ${tenants.own}`)),
    ...(await h.db.anyFirst(sql.type(text)`select o::text as t from outbox_event o where o.message_key = ${orderId}`)),
    ...(await h.db.anyFirst(sql.type(text)`select f::text as t from fulfillment_task f where f.order_id = ${orderId}`)),
  ].join('\n');
  expect(stored).toContain('gateway could not verify'); // the echoed answer was kept as evidence...
  expect(stored).not.toContain(SECRET); // ...without the credential
  const logs = logLines.join('');
  expect(logs).toContain(orderId);
  expect(logs).not.toContain(SECRET);
});

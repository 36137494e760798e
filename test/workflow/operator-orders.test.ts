// The operator API's order pages (contracts/openapi/operator.yaml) on the real stack: the order
// list and its filters, one order's steps with their ledger attempts, evidence and events, the
// Retry of its incidents (refused while a reconciliation case is open), the roles, and no
// credential in any answer (a canary is planted in every adapter credential).
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { hitsIn, makeCanary } from '../../bench/canary/plant.ts';
import { eventually } from '../support/process-test.ts';
import { conformanceProblems, loadBundled } from '../support/http-conformance.ts';

// the adapters' credentials (not the engine's: the harness needs those to reach it)
const canary = makeCanary();
const PLANTED = ['CRM_API_KEY', 'INVENTORY_TOKEN', 'PROVISIONING_PASSWORD', 'BILLING_TOKEN', 'NOTIFICATION_API_KEY', 'PROVISIONING_SIGNING_SECRETS'] as const;

interface OrderListEntry { orderId: string; status: string; fallout: boolean; createdAt: string; processInstanceKey: string | null; openCaseCount: number }
interface Evidence { kind: string; outcome: string; httpStatus: number | null; requestSnapshot: unknown; responseSnapshot: unknown }
interface Attempt { system: string; operation: string; idempotencyKey: string; requestHash: string; outcome: string; attemptNo: number; startedAt: string; endedAt: string | null; failureCategory: string | null; httpStatus: number | null; evidence: Evidence[] }
interface Step { taskType: string; orderItemId: string | null; status: string; idempotencyKeys: string[]; attempts: Attempt[] }
interface Overview {
  order: { orderId: string; status: string; snapshot: Record<string, unknown> };
  orchestration: { processInstanceKey: string | null } | null;
  steps: Step[];
  otherAttempts: Attempt[];
  cases: { caseId: string; status: string; system: string; mismatchType: string }[];
  events: { eventType: string; published: boolean; payload: Record<string, unknown> | null }[];
}

let h: FulfillmentHarness;
/** every answer body read, scanned for the canary at the end */
const answers: string[] = [];
const operatorDocument = loadBundled('operator');

/** The answer as operator.yaml promises it (documented status, media type, closed body schema). */
async function documented(method: string, path: string, res: Response): Promise<string> {
  const text = await res.text();
  answers.push(text);
  const body: unknown = text === '' ? undefined : JSON.parse(text);
  expect(conformanceProblems(operatorDocument, { method, path: path.split('?')[0] ?? path, status: res.status, headers: res.headers, body })).toEqual([]);
  return text;
}

beforeAll(async () => {
  for (const name of PLANTED) process.env[name] = canary.settings[name];
  h = await FulfillmentHarness.start({ env: { EXTERNAL_RESPONSE_TIMEOUT_MS: '1500', RECONCILIATION_RECHECK_DELAY: 'PT10S' } });
});
afterAll(async () => {
  await h.close();
});

async function getJson<T>(role: 'operator' | 'viewer', path: string): Promise<T> {
  const res = await h.fetchAs(role, path);
  const text = await documented('GET', path, res);
  if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

const list = (query: string) => getJson<{ orders: OrderListEntry[]; nextCursor: string | null }>('viewer', `/operator/orders?${query}`);
const overview = (orderId: string) => getJson<Overview>('viewer', `/operator/orders/${orderId}`);
const retry = (role: 'operator' | 'viewer', orderId: string) => h.fetchAs(role, `/operator/orders/${orderId}/incidents/retry`, { method: 'POST' });

describe('a completed order', () => {
  let orderId: string;
  beforeAll(async () => {
    orderId = await h.submitOrder(sampleOrder({ items: 2 }));
    await h.awaitOrderStatus(orderId, 'COMPLETED');
  }, 90_000);

  test('is listed with its process instance, and the filters find it where they should', async () => {
    const pik = await h.processInstanceOf(orderId);
    expect((await list(`q=${orderId}`)).orders).toEqual([expect.objectContaining({ orderId, status: 'COMPLETED', fallout: false, processInstanceKey: pik, openCaseCount: 0 })]);
    expect((await list(`q=${orderId}&status=COMPLETED`)).orders).toHaveLength(1);
    expect((await list(`q=${orderId}&view=in-progress`)).orders).toHaveLength(0);
    expect((await list(`q=${orderId}&view=fallout`)).orders).toHaveLength(0);
    expect((await list(`q=${orderId}&view=reconciliation-open`)).orders).toHaveLength(0);
    // a prefix finds it too
    expect((await list(`q=${orderId.slice(0, -4)}`)).orders.map((o) => o.orderId)).toContain(orderId);
    // and its process instance names it (how the console names the orders of the engine's incidents and user tasks)
    expect((await list(`instance=${pik}`)).orders).toEqual([expect.objectContaining({ orderId, processInstanceKey: pik })]);
    expect((await list(`instance=1,${pik},2`)).orders.map((o) => o.orderId)).toEqual([orderId]);
    expect((await list(`instance=${pik}&view=fallout`)).orders).toHaveLength(0);
  });

  test('pages newest first, without overlap', async () => {
    // four orders of its own, so two pages exist whichever suites ran before this one
    const own: string[] = [];
    for (let n = 0; n < 4; n += 1) own.push(await h.submitOrder(sampleOrder({ items: 1 })));
    const first = await list('limit=3');
    expect(first.orders).toHaveLength(3);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list(`limit=3&cursor=${encodeURIComponent(first.nextCursor ?? '')}`);
    const all = [...first.orders, ...second.orders];
    expect(new Set(all.map((o) => o.orderId)).size).toBe(all.length);
    const times = all.map((o) => Date.parse(o.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // leave nothing running for the suites after this one
    for (const id of own) await h.awaitOrderStatus(id, 'COMPLETED');
  }, 90_000);

  test('shows every step with its attempts, keys, evidence and the events published for it', async () => {
    const o = await overview(orderId);
    expect(o.order).toMatchObject({ orderId, status: 'COMPLETED' });
    expect(o.orchestration?.processInstanceKey).toBe(await h.processInstanceOf(orderId));
    const types = o.steps.map((s) => `${s.taskType}${s.orderItemId ? '/item' : ''}`).sort();
    expect(types).toEqual(['ACTIVATE_BILLING', 'ACTIVATE_SERVICE/item', 'ACTIVATE_SERVICE/item', 'NOTIFY_CUSTOMER', 'RESERVE_INVENTORY/item', 'RESERVE_INVENTORY/item', 'VALIDATE_CUSTOMER_ACCOUNT'].sort());
    for (const step of o.steps) {
      expect(step.status).toBe('SUCCEEDED');
      expect(step.attempts.length).toBeGreaterThanOrEqual(1);
      expect(step.idempotencyKeys.length).toBeGreaterThanOrEqual(1);
    }
    expect(o.otherAttempts).toEqual([]);
    const billing = o.steps.find((s) => s.taskType === 'ACTIVATE_BILLING');
    expect(billing?.idempotencyKeys).toEqual([expect.stringMatching(new RegExp(`^billing-activation:[^:]+:${orderId}:`))]);
    expect(billing?.attempts).toEqual([
      expect.objectContaining({ system: 'BILLING', operation: 'ACTIVATE_SUBSCRIPTION', outcome: 'SUCCEEDED', attemptNo: 1, failureCategory: null, requestHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), endedAt: expect.any(String) }),
    ]);
    const call = billing?.attempts[0]?.evidence[0];
    expect(call).toMatchObject({ kind: 'CALL', outcome: 'SUCCEEDED' });
    expect(call?.httpStatus).toBeGreaterThanOrEqual(200);
    expect(call?.httpStatus).toBeLessThan(300);
    expect(billing?.attempts[0]?.httpStatus).toBe(call?.httpStatus);
    // what was sent (the request as recorded: its key, never the credential sent with it)
    expect(call?.requestSnapshot).toMatchObject({ method: 'POST', headers: { 'Idempotency-Key': billing?.idempotencyKeys[0] } });
    expect(JSON.stringify(call?.requestSnapshot)).not.toContain(canary.settings.BILLING_TOKEN);
    // each item's activation has its own key
    const activations = o.steps.filter((s) => s.taskType === 'ACTIVATE_SERVICE');
    expect(new Set(activations.flatMap((s) => s.idempotencyKeys.filter((k) => k.startsWith('provisioning:')))).size).toBe(2);
    const events = o.events.map((e) => e.eventType);
    expect(events).toEqual(expect.arrayContaining(['FulfillmentStarted', 'InventoryReserved', 'ServiceProvisioned', 'BillingActivated', 'CustomerNotified', 'OrderFulfilled']));
    expect(events.indexOf('FulfillmentStarted')).toBeLessThan(events.indexOf('OrderFulfilled'));
    expect(o.events.every((e) => e.payload?.orderId === orderId)).toBe(true);
  });

  test('has nothing to retry (409), and a viewer may not ask (403)', async () => {
    const viewer = await retry('viewer', orderId);
    expect(viewer.status).toBe(403);
    expect(viewer.headers.get('content-type')).toMatch(/application\/problem\+json/);
    await documented('POST', `/operator/orders/${orderId}/incidents/retry`, viewer);
    const res = await retry('operator', orderId);
    expect(res.status).toBe(409);
    expect(JSON.parse(await documented('POST', `/operator/orders/${orderId}/incidents/retry`, res))).toMatchObject({ type: 'urn:fulfillment:problem:nothing-to-retry', status: 409 });
  });
});

describe('a provisioning failure', () => {
  test('is in the fallout list, its compensation steps carry their own attempts, and its fallout event is shown', async () => {
    const orderId = await h.submitOrder(sampleOrder({ items: 2, serviceSpecificationCode: 'SPEC-FAIL' }));
    await h.awaitOrderStatus(orderId, 'FALLOUT');
    expect((await list(`q=${orderId}&view=fallout`)).orders).toEqual([expect.objectContaining({ orderId, status: 'FALLOUT', fallout: true })]);
    expect((await list(`q=${orderId}&view=in-progress`)).orders).toHaveLength(0);
    const o = await overview(orderId);
    expect(o.order).toMatchObject({ status: 'FALLOUT' });
    const byType = (type: string) => o.steps.filter((s) => s.taskType === type);
    for (const type of ['RESERVE_INVENTORY', 'ACTIVATE_SERVICE', 'RELEASE_INVENTORY']) expect(byType(type)).toHaveLength(2);
    for (const release of byType('RELEASE_INVENTORY')) {
      expect(release.attempts).toEqual([expect.objectContaining({ system: 'INVENTORY', operation: 'RELEASE_RESOURCE', outcome: 'SUCCEEDED' })]);
      expect(release.idempotencyKeys).toEqual([expect.stringMatching(new RegExp(`^inventory-release:[^:]+:${orderId}:${release.orderItemId}$`))]);
    }
    expect(byType('ACTIVATE_BILLING')).toEqual([]);
    expect(o.otherAttempts).toEqual([]);
    expect(o.events.map((e) => e.eventType)).toEqual(expect.arrayContaining(['ServiceProvisioningFailed', 'InventoryReleased', 'OrderFalloutRaised']));
  }, 90_000);
});

describe('an ambiguous billing call', () => {
  test('shows its open case on the order, refuses the retry while it is open, and is repaired by the reconciler', async () => {
    const order = sampleOrder();
    await h.fault({ system: 'billing', operation: 'activateSubscription', match: { subscriptionId: order.subscription.subscriptionId }, fault: { type: 'timeout-after-commit', ms: 4_000 }, times: 1 });
    // the reconciler cannot look yet: the case stays open while the test looks at it
    await h.fault({ system: 'billing', operation: 'findActivations', fault: { type: 'status', status: 503 }, times: -1 });
    const orderId = await h.submitOrder(order);
    const pik = await h.processInstanceOf(orderId);
    await h.pt.awaitIncident(pik, 'ServiceTask_ActivateBilling');

    expect((await list(`q=${orderId}&view=reconciliation-open`)).orders).toEqual([expect.objectContaining({ orderId, openCaseCount: 1, processInstanceKey: pik })]);
    expect((await list(`q=${orderId}&view=in-progress`)).orders).toHaveLength(1);
    const o = await overview(orderId);
    const [kase] = o.cases;
    expect(o.cases).toEqual([expect.objectContaining({ system: 'BILLING', mismatchType: 'AMBIGUOUS_OUTCOME' })]);
    expect(['OPEN', 'MANUAL_REVIEW']).toContain(kase?.status);
    const billing = o.steps.find((s) => s.taskType === 'ACTIVATE_BILLING');
    expect(billing?.attempts).toEqual([expect.objectContaining({ outcome: 'AMBIGUOUS', failureCategory: 'AMBIGUOUS_OUTCOME', attemptNo: 1 })]);
    expect(o.events.map((e) => e.eventType)).toContain('ReconciliationCaseOpened');

    const refused = await retry('operator', orderId);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = JSON.parse(await documented('POST', `/operator/orders/${orderId}/incidents/retry`, refused)) as { type: string; detail: string };
    expect(problem.type).toBe('urn:fulfillment:problem:reconciliation-case-open');
    expect(problem.detail).toContain(kase?.caseId);

    await h.clearFaults();
    await h.awaitOrderStatus(orderId, 'COMPLETED', 60_000);
    const after = await overview(orderId);
    expect(after.cases).toEqual([expect.objectContaining({ caseId: kase?.caseId, status: 'RESOLVED' })]);
    expect(after.steps.find((s) => s.taskType === 'ACTIVATE_BILLING')?.attempts).toEqual([expect.objectContaining({ outcome: 'SUCCEEDED', attemptNo: 1 })]);
    expect((await list(`q=${orderId}&view=reconciliation-open`)).orders).toHaveLength(0);
  }, 120_000);
});

describe('an incident with no case', () => {
  test('is retried by an operator once the system is back, and the order completes', async () => {
    const order = sampleOrder();
    // an authentication failure is an incident at once (no retries)
    await h.fault({ system: 'inventory', operation: 'createReservation', match: { itemRef: order.items[0]?.orderItemId }, fault: 'auth', times: -1 });
    const orderId = await h.submitOrder(order);
    const pik = await h.processInstanceOf(orderId);
    await h.pt.awaitIncident(pik, 'ServiceTask_ReserveInventory');
    const failed = (await overview(orderId)).steps.find((s) => s.taskType === 'RESERVE_INVENTORY');
    expect(failed).toMatchObject({ status: 'FAILED', attempts: [expect.objectContaining({ outcome: 'FAILED', failureCategory: 'AUTH_FAILED' })] });

    await h.clearFaults();
    const res = await retry('operator', orderId);
    const body = await documented('POST', `/operator/orders/${orderId}/incidents/retry`, res);
    expect(res.status).toBe(200);
    expect(JSON.parse(body)).toEqual({ orderId, jobs: [expect.objectContaining({ elementId: 'ServiceTask_ReserveInventory', result: 'resumed' })] });
    await h.awaitOrderStatus(orderId, 'COMPLETED');
    const reservation = (await overview(orderId)).steps.find((s) => s.taskType === 'RESERVE_INVENTORY');
    expect(reservation).toMatchObject({ status: 'SUCCEEDED', attempts: [expect.objectContaining({ outcome: 'SUCCEEDED', attemptNo: 2 })] });
    expect(reservation?.attempts[0]?.evidence.map((e) => e.outcome)).toEqual(['FAILED', 'SUCCEEDED']);
  }, 120_000);
});

describe('refusals', () => {
  test.each([
    ['/operator/orders?view=stalled', 400, 'bad-query'],
    ['/operator/orders?limit=0', 400, 'bad-query'],
    ['/operator/orders?status=DONE', 400, 'bad-query'],
    ['/operator/orders?cursor=not-a-cursor', 400, 'bad-query'],
    ['/operator/orders?instance=not-a-key', 400, 'bad-query'],
    [`/operator/orders?instance=${Array.from({ length: 101 }, (_, n) => n + 1).join(',')}`, 400, 'bad-query'],
    ['/operator/orders/bad%20id', 400, 'bad-order-id'],
    ['/operator/orders/no-such-order', 404, 'order-not-found'],
  ])('GET %s is a %d problem', async (path, status, type) => {
    const res = await h.fetchAs('viewer', path);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(JSON.parse(await documented('GET', path, res))).toMatchObject({ type: `urn:fulfillment:problem:${type}`, status });
  });

  test('a retry of an unknown order is a 404, and no token is a 401', async () => {
    expect((await retry('operator', 'no-such-order')).status).toBe(404);
    expect((await fetch(`${h.intakeUrl}/operator/orders`)).status).toBe(401);
  });
});

test('no answer carries a planted credential', async () => {
  await eventually('answers to scan', async () => (answers.length > 10 ? true : undefined), { timeoutMs: 1_000 });
  const hits = answers.flatMap((text) => hitsIn(text, canary));
  expect(hits).toEqual([]);
  // the positive control: the scan finds the canary where it is
  expect(hitsIn(JSON.stringify({ leaked: canary.settings.BILLING_TOKEN }), canary)).not.toEqual([]);
});

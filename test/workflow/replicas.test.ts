// Three farm replicas, each its own process (`node src/main/farm.ts`), share one batch of orders.
// Mid-run one is drained (SIGTERM) and another killed (SIGKILL, as a node loss would): every order
// still ends where its scenario says, no external system sees a side effect twice, and the drained
// replica finishes the jobs it held and exits 0. Jobs the killed replica held time out in the engine
// and run on the surviving replica; calls it left half-made are settled by the reconciler.
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import type { OrderRequest } from '../../src/core/domain/order.ts';
import { FarmReplica, replicaEnv } from '../support/farm-replica.ts';
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { eventually } from '../support/process-test.ts';

/** Every external call takes this long, so each replica always holds jobs in flight. */
const LATENCY_MS = 800;
const SYSTEMS = ['crm', 'inventory', 'provisioning', 'billing', 'notification'] as const;

interface Planned {
  readonly order: OrderRequest;
  readonly endStatus: 'COMPLETED' | 'REJECTED' | 'FALLOUT';
}

const batch = (): Planned[] => [
  ...Array.from({ length: 26 }, (_, i): Planned => ({ order: sampleOrder({ items: (i % 2) + 1 }), endStatus: 'COMPLETED' })),
  { order: sampleOrder({ customerAccountId: `CUST-SUSPENDED-${randomUUID().slice(0, 6)}` }), endStatus: 'REJECTED' },
  { order: sampleOrder({ customerAccountId: `CUST-SUSPENDED-${randomUUID().slice(0, 6)}` }), endStatus: 'REJECTED' },
  { order: sampleOrder({ items: 2, stock: 0 }), endStatus: 'REJECTED' },
  { order: sampleOrder({ serviceSpecificationCode: 'SPEC-FAIL' }), endStatus: 'FALLOUT' },
];

let h: FulfillmentHarness;
const replicas: FarmReplica[] = [];

beforeAll(async () => {
  h = await FulfillmentHarness.start({ withoutFarm: true, env: { RECONCILIATION_RECHECK_DELAY: 'PT2S' } });
});
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await h?.close();
});

function startReplica(n: number, env: Readonly<Record<string, string>> = {}): FarmReplica {
  const replica = FarmReplica.start(`farm-${n}`, ['--model-suffix', h.suffix, '--concurrency', '4'], replicaEnv(h, {
    // longer than one call's whole budget (the attempt lease), short enough for the test
    FARM_JOB_TIMEOUT_MS: '20000',
    RECONCILIATION_RECHECK_DELAY: 'PT2S',
    // each replica has its own operations port (FARM_HTTP_PORT 0): /health/ready tells how many jobs it runs
    ...env,
  }));
  replicas.push(replica);
  return replica;
}

/** Jobs a replica is running now, from its readiness answer (`checks.farm.detail` = "N job(s) running"). */
async function jobsRunning(replica: FarmReplica): Promise<number> {
  const url = String((await replica.awaitLog('operations endpoints listening')).url);
  const report = (await (await fetch(`${url}/health/ready`)).json()) as { checks?: { farm?: { detail?: string } } };
  return Number(/^(\d+) job/.exec(report.checks?.farm?.detail ?? '')?.[1] ?? 0);
}

async function statuses(orderIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await h.db.any(sql.type(z.object({ order_id: z.string(), order_status: z.string() }))`
    select order_id, order_status from customer_order where order_id = any(${sql.array([...orderIds], 'text')})`);
  return new Map(rows.map((r) => [r.order_id, r.order_status]));
}

test('a batch survives one replica drained and one killed mid-run, with no duplicate side effects', async () => {
  for (const system of SYSTEMS) await h.fault({ system, fault: { type: 'latency', ms: LATENCY_MS }, times: -1 });
  const [drained, killed, survivor] = [startReplica(1), startReplica(2), startReplica(3)];
  for (const r of replicas) await r.awaitLog('farm ready');

  const planned = batch();
  const orders = await Promise.all(planned.map(async (p) => ({ ...p, orderId: await h.submitOrder(p.order) })));
  const orderIds = orders.map((o) => o.orderId);

  // mid-run: both victims have finished jobs and are running more, and most of the batch is still to do
  await eventually('both victims busy, most orders unfinished', async () => {
    if (![drained, killed].every((r) => r.logged('job completed').length >= 3)) return undefined;
    const [a, b] = [await jobsRunning(drained), await jobsRunning(killed)];
    const ended = [...(await statuses(orderIds)).values()].filter((s) => ['COMPLETED', 'REJECTED', 'FALLOUT'].includes(s)).length;
    return a > 0 && b > 0 && ended < orderIds.length / 2 ? true : undefined;
  }, { timeoutMs: 120_000, intervalMs: 100 });
  drained.signal('SIGTERM');
  killed.signal('SIGKILL');

  // the drained replica takes no new jobs, finishes the ones it holds, and exits 0
  expect(await drained.exited).toEqual({ code: 0, signal: null });
  const [draining] = drained.logged('draining');
  expect(draining).toMatchObject({ signal: 'SIGTERM', graceMs: 20_000 });
  expect(draining?.inFlight).toBeGreaterThan(0);
  expect(drained.logged('farm stopped')).toEqual([expect.objectContaining({ drained: true })]);
  expect(drained.logged('drain deadline reached')).toEqual([]);
  expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' });

  // every order ends where its scenario says, on the one replica left
  await eventually('every order at its end status', async () => {
    const now = await statuses(orderIds);
    return orders.every((o) => now.get(o.orderId) === o.endStatus) ? true : undefined;
  }, { timeoutMs: 300_000, intervalMs: 1_000 }).catch(async (err: unknown) => {
    const now = await statuses(orderIds);
    const off = orders.filter((o) => now.get(o.orderId) !== o.endStatus).map((o) => `${o.orderId}: ${now.get(o.orderId)} (expected ${o.endStatus})`);
    throw new Error(`${(err as Error).message}\n${off.join('\n')}\nsurvivor log tail:\n${survivor.tail()}`);
  });
  expect(survivor.lines.some((l) => l.msg === 'farm stopped')).toBe(false);

  // no external system acted twice on one business intent (its idempotency key, else its reference:
  // a compensation is another intent on the same item, under its own key)
  const effects = await h.sideEffects({});
  const perIntent = new Map<string, number>();
  for (const e of effects) {
    const intent = `${e.system} ${e.operation} ${e.idempotencyKey ?? e.ref}`;
    perIntent.set(intent, (perIntent.get(intent) ?? 0) + 1);
  }
  expect([...perIntent].filter(([, n]) => n > 1)).toEqual([]);
  // …and every completed order was billed and notified exactly once
  const completed = orders.filter((o) => o.endStatus === 'COMPLETED');
  const billed = new Set(effects.filter((e) => e.system === 'billing').map((e) => e.ref));
  expect(completed.filter((o) => !billed.has(o.order.subscription.subscriptionId))).toEqual([]);
  expect(effects.filter((e) => e.system === 'billing')).toHaveLength(completed.length);
  expect(effects.filter((e) => e.system === 'notification')).toHaveLength(completed.length);

  // whatever the killed replica left half-made was settled, none of it by a person
  const cases = await h.db.any(sql.type(z.object({ status: z.string(), mismatch_type: z.string() }))`
    select status, mismatch_type from reconciliation_case where order_id = any(${sql.array(orderIds, 'text')})`);
  expect(cases.filter((c) => c.status !== 'RESOLVED')).toEqual([]);

  // the last replica, idle now, drains at once
  survivor.signal('SIGTERM');
  expect(await survivor.exited).toEqual({ code: 0, signal: null });
}, 480_000);

describe('a drain that cannot finish', () => {
  beforeAll(async () => {
    // no replica but the one under test takes the held job; only the held order's CRM call is slow
    await Promise.all(replicas.map((r) => r.stop()));
    await h.clearFaults();
  });

  /** An order whose CRM validation hangs far longer than the drain may wait, held by `replica`. */
  async function holdJob(replica: FarmReplica): Promise<void> {
    await replica.awaitLog('farm ready');
    const order = sampleOrder();
    await h.fault({ system: 'crm', match: { custNo: order.customerAccountId }, fault: { type: 'latency', ms: 45_000 }, times: 1 });
    const orderId = await h.submitOrder(order);
    // the replica is inside the CRM call (other jobs, such as the reconciliation sweep, come and go)
    await eventually('the replica to be inside the held call', async () => {
      const calling = (await h.attempts(orderId)).some((a) => a.system_code === 'CRM' && a.status === 'STARTED');
      return calling && (await jobsRunning(replica)) > 0 ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 200 }).catch(async (err: unknown) => {
      const attempts = (await h.attempts(orderId)).map((a) => `${a.system_code}:${a.status}`);
      throw new Error(`${(err as Error).message}; order ${await h.orderStatus(orderId)}, attempts [${attempts.join(', ')}]\n${replica.tail(12)}`);
    });
  }
  const crmJob = () => expect.stringMatching(new RegExp(`^crm\\.validate-customer-account\\.v1-${h.suffix}#\\d+ \\(instance \\d+, ServiceTask_ValidateCustomerAccount\\)$`));
  /** one try of the held call outlasts the test; the job's timeout is longer than that */
  const patient = { EXTERNAL_RESPONSE_TIMEOUT_MS: '60000', FARM_JOB_TIMEOUT_MS: '90000' };

  test('exits 1 at the deadline, naming the jobs left', async () => {
    const replica = startReplica(4, { ...patient, FARM_DRAIN_TIMEOUT_MS: '1000' });
    await holdJob(replica);
    replica.signal('SIGTERM');
    expect(await replica.exited).toEqual({ code: 1, signal: null });
    expect(replica.logged('draining')).toEqual([expect.objectContaining({ graceMs: 1_000, inFlight: expect.any(Number) })]);
    expect(replica.logged('drain deadline reached')).toEqual([expect.objectContaining({ level: 'error', jobsLeft: expect.arrayContaining([crmJob()]) })]);
    expect(replica.logged('farm stopped')).toEqual([expect.objectContaining({ drained: false })]);
  }, 120_000);

  test('a second SIGTERM exits 1 at once, naming the jobs left', async () => {
    const replica = startReplica(5, patient);
    await holdJob(replica);
    replica.signal('SIGTERM');
    await replica.awaitLog('draining');
    replica.signal('SIGTERM');
    expect(await replica.exited).toEqual({ code: 1, signal: null });
    expect(replica.logged('second SIGTERM while draining')).toEqual([expect.objectContaining({ level: 'error', jobsLeft: expect.arrayContaining([crmJob()]) })]);
  }, 120_000);
});

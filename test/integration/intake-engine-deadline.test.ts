// The intake's start of an order against a slow engine (a TCP proxy between the intake's gateway
// channel and the real engine): the start waits at most the intake's engine timeout and then
// answers 'start-failed' (the route's 503 with Retry-After); past the bound of waiting starts a
// start is refused at once; the same request retried once the engine is fast again is accepted,
// with one order and one process instance.
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { intakeStartPublisher } from '../../src/adapters/engine/bounded-starts.ts';
import { suffixedMessages } from '../../src/adapters/engine/model-suffix.ts';
import { acceptOrder, type AcceptOrderDeps } from '../../src/core/use-cases/accept-order.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createDatabasePool } from '../../src/platform/db.ts';
import { connectGatewayAt, type GatewayConnection } from '../../src/platform/gateway-client.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { startLatencyProxy, type LatencyProxy } from '../support/latency-proxy.ts';
import { eventually, ProcessTest, type IsolatedModel } from '../support/process-test.ts';

const ENGINE_TIMEOUT_MS = 800;
const MODEL = path.resolve(import.meta.dirname, '..', '..', 'bpmn', 'order-fulfillment.bpmn');
const config = loadConfig();
const suffix = `t${randomUUID().slice(0, 8)}`;

let db: DatabasePool;
let pt: ProcessTest;
let model: IsolatedModel;
let proxy: LatencyProxy;
let gateway: GatewayConnection;
let deps: AcceptOrderDeps;

beforeAll(async () => {
  db = await createDatabasePool(config, `intake-deadline-${suffix}`);
  pt = new ProcessTest(config);
  model = await pt.deployIsolatedCopy(MODEL, suffix);
  const [host, port] = config.ZEEBE_GRPC_ADDRESS.replace(/^grpcs?:\/\//, '').split(':') as [string, string];
  proxy = await startLatencyProxy({ targetHost: host, targetPort: Number(port) });
  gateway = connectGatewayAt(`grpc://${proxy.address}`, {});
  await gateway.topology();
  const starts = intakeStartPublisher(gateway, { engineTimeoutMs: ENGINE_TIMEOUT_MS, maxPendingStarts: 2 });
  deps = { db, messages: suffixedMessages(starts, suffix), provisioningPollCycle: config.PROVISIONING_POLL_CYCLE, provisioningSla: config.PROVISIONING_SLA };
});

afterAll(async () => {
  gateway.close();
  await proxy.close();
  await pt.close();
  await db.end();
});

afterEach(() => proxy.resume());

const ordersOfKey = (key: string) =>
  db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from idempotency_record where idempotency_key = ${key}`);

test('a stalled engine: the start answers start-failed within about the timeout; the retry once the engine answers starts the order once', async () => {
  const order = sampleOrder();
  const key = `deadline-${randomUUID()}`;
  proxy.stall();
  const started = Date.now();
  const failed = await acceptOrder(deps, order, key);
  const tookMs = Date.now() - started;
  expect(failed).toMatchObject({ kind: 'start-failed', message: expect.stringContaining('PublishMessage gave up') });
  expect(tookMs).toBeGreaterThanOrEqual(ENGINE_TIMEOUT_MS - 50);
  expect(tookMs).toBeLessThan(ENGINE_TIMEOUT_MS + 1_000);

  proxy.resume();
  const retried = await acceptOrder(deps, order, key);
  expect(retried.kind).toBe('accepted');
  const orderId = retried.kind === 'accepted' ? retried.order.orderId : '';
  expect(orderId).toBe(failed.kind === 'start-failed' ? failed.orderId : 'not this');
  expect(await ordersOfKey(key)).toBe(1);
  const instances = await eventually('the order process instance', async () => {
    const found = await pt.search.processInstancesByVariable('orderId', orderId, model.bpmnProcessId);
    return found.length > 0 ? found : undefined;
  }, { timeoutMs: 15_000 });
  // the stalled publish may reach the engine late, the retry publishes again: one instance still
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect((await pt.search.processInstancesByVariable('orderId', orderId, model.bpmnProcessId)).length).toBe(instances.length);
  expect(instances).toHaveLength(1);
});

test('past the bound of starts waiting on the engine a start is refused at once', async () => {
  proxy.stall();
  const waiting = [acceptOrder(deps, sampleOrder(), `shed-${randomUUID()}`), acceptOrder(deps, sampleOrder(), `shed-${randomUUID()}`)];
  await new Promise((resolve) => setTimeout(resolve, 200));
  const started = Date.now();
  const shed = await acceptOrder(deps, sampleOrder(), `shed-${randomUUID()}`);
  expect(shed).toMatchObject({ kind: 'start-failed', message: expect.stringContaining('busy') });
  expect(Date.now() - started).toBeLessThan(ENGINE_TIMEOUT_MS / 2);
  for (const result of await Promise.all(waiting)) expect(result.kind).toBe('start-failed');
});

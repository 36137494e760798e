// The intake's start of an order against a slow engine (a TCP proxy between the intake's gateway
// channel and the real engine): the start waits at most the intake's engine timeout and then
// answers 'start-failed' (the route's 503 with Retry-After); past the bound of waiting starts a
// start is refused at once; the same request retried once the engine is fast again is accepted,
// with one order and one process instance.
import { provisioningSigning } from '../../src/adapters/provisioning/signature.ts';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { intakeStartPublisher } from '../../src/adapters/engine/bounded-starts.ts';
import { suffixedMessages } from '../../src/adapters/engine/model-suffix.ts';
import { engineOverGateway } from '../../src/adapters/engine/engine-port.ts';
import { apiAccess } from '../../src/intake/auth/api-access.ts';
import { buildIntakeServer } from '../../src/intake/server.ts';
import { createLogger } from '../../src/platform/logger.ts';
import type { FastifyInstance } from 'fastify';
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
let intake: FastifyInstance;

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
  intake = buildIntakeServer({ ...deps, engine: engineOverGateway(config, gateway), log: createLogger('intake-deadline', 'silent'), access: apiAccess({ ...config, API_AUTH: 'off' }), callbackSigning: provisioningSigning(config) });
  await intake.ready();
});

afterAll(async () => {
  await intake.close();
  gateway.close();
  await proxy.close();
  await pt.close();
  await db.end();
});

afterEach(() => proxy.resume());

/** orders stored for this order request (its item ids are unique to it) */
const ordersOf = (order: ReturnType<typeof sampleOrder>) =>
  db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from customer_order where order_snapshot->'items'->0->>'orderItemId' = ${order.items[0]!.orderItemId}`);

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
  expect(await ordersOf(order)).toBe(1);
  await expectOneInstance(orderId);
});

/** The order has one process instance, and still one a moment later: a stalled publish may reach the engine late while the retry publishes again. */
async function expectOneInstance(orderId: string): Promise<void> {
  const instances = await eventually('the order process instance', async () => {
    const found = await pt.search.processInstancesByVariable('orderId', orderId, model.bpmnProcessId);
    return found.length > 0 ? found : undefined;
  }, { timeoutMs: 15_000 });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await pt.search.processInstancesByVariable('orderId', orderId, model.bpmnProcessId)).toHaveLength(instances.length);
  expect(instances).toHaveLength(1);
}

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

test('over HTTP: 503 with Retry-After within about the timeout; the same request once the engine answers gets 202, one order, one instance', async () => {
  const order = sampleOrder();
  const key = `http-deadline-${randomUUID()}`;
  const post = () => intake.inject({ method: 'POST', url: '/orders', headers: { 'content-type': 'application/json', 'idempotency-key': key }, payload: JSON.stringify(order) });
  proxy.stall();
  const started = Date.now();
  const refused = await post();
  const tookMs = Date.now() - started;
  expect(refused.statusCode).toBe(503);
  expect(refused.headers['retry-after']).toMatch(/^\d+$/);
  expect(refused.headers['content-type']).toContain('application/problem+json');
  expect(refused.json()).toMatchObject({ status: 503, type: expect.stringContaining('engine-unavailable') });
  expect(tookMs).toBeLessThan(ENGINE_TIMEOUT_MS + 1_000);

  proxy.resume();
  const accepted = await post();
  expect(accepted.statusCode).toBe(202);
  const orderId = (accepted.json() as { orderId: string }).orderId;
  expect(await ordersOf(order)).toBe(1);
  await expectOneInstance(orderId);
});

// The intake's Idempotency-Key under concurrency, on the real intake, engine and PostgreSQL: many
// requests at once with one key make one order and one process instance; the others get the
// stored answer (202, Idempotent-Replayed) or 409 in progress with Retry-After, never a 5xx; the
// same key with another body is refused as reused. Below the HTTP layer: a request that gave the
// key back (start failed) or died holding it is taken over by the next one, once.
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { suffixedMessages } from '../../src/adapters/engine/model-suffix.ts';
import { zeebeMessagePublisher } from '../../src/adapters/engine/message-publisher.ts';
import type { OrderRequest } from '../../src/core/domain/order.ts';
import type { EngineMessage, MessagePublisher } from '../../src/core/ports/message-publisher.ts';
import { acceptOrder, UNANSWERED_CLAIM_STALE_MS, type AcceptOrderDeps, type AcceptOrderResult } from '../../src/core/use-cases/accept-order.ts';
import { apiAuthorization } from '../../stack/api-tokens.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { eventually } from '../support/process-test.ts';

const CONCURRENT = 50;

let h: FulfillmentHarness;
let authorization: { authorization: string } | Record<string, never> = {};
beforeAll(async () => {
  h = await FulfillmentHarness.start();
  authorization = await apiAuthorization('intake');
});
afterAll(async () => {
  await h.close();
});

interface Answer {
  readonly status: number;
  readonly replayed: boolean;
  readonly retryAfter: string | null;
  readonly body: Record<string, unknown>;
}

async function post(order: OrderRequest, key: string, correlationId: string): Promise<Answer> {
  const res = await fetch(`${h.intakeUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key, 'x-correlation-id': correlationId, ...authorization },
    body: JSON.stringify(order),
  });
  return { status: res.status, replayed: res.headers.get('idempotent-replayed') === 'true', retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
}

const problemCode = (a: Answer) => String(a.body.type).replace('urn:fulfillment:problem:', '');
const kindOf = (a: Answer) => (a.status === 202 ? (a.replayed ? 'replayed' : 'accepted') : `${a.status} ${problemCode(a)}`);

async function ordersOfCorrelation(correlationId: string): Promise<readonly string[]> {
  return h.db.anyFirst(sql.type(z.object({ order_id: z.string() }))`select order_id from customer_order where correlation_id = ${correlationId}`);
}

/** The instances of this harness's process serving the order, once the first is seen, and again a moment later. */
async function processInstancesOf(orderId: string): Promise<number> {
  await eventually(`an instance for ${orderId}`, async () => ((await h.pt.search.processInstancesByVariable('orderId', orderId, h.processId)).length > 0 ? true : undefined), { timeoutMs: 30_000 });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  return (await h.pt.search.processInstancesByVariable('orderId', orderId, h.processId)).length;
}

function expectOneOrderAnswered(answers: readonly Answer[]): string {
  expect(answers.filter((a) => a.status >= 500)).toEqual([]);
  const accepted = answers.filter((a) => a.status === 202 && !a.replayed);
  expect(accepted).toHaveLength(1);
  const orderId = String(accepted[0]?.body.orderId);
  for (const replay of answers.filter((a) => a.replayed)) expect(replay.body).toEqual(accepted[0]?.body);
  for (const busy of answers.filter((a) => problemCode(a) === 'idempotency-key-in-progress')) {
    expect(busy.status).toBe(409);
    expect(Number(busy.retryAfter)).toBeGreaterThan(0);
  }
  return orderId;
}

test(`${CONCURRENT} concurrent POST /orders with one key and body: one order, one instance; the others replayed or in progress`, async () => {
  const order = sampleOrder();
  const key = `k-${randomUUID()}`;
  const correlationId = `corr-${randomUUID()}`;
  const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => post(order, key, correlationId)));

  expect(answers.map(kindOf).filter((k) => !['accepted', 'replayed', '409 idempotency-key-in-progress'].includes(k))).toEqual([]);
  const orderId = expectOneOrderAnswered(answers);
  expect(await ordersOfCorrelation(correlationId)).toEqual([orderId]);
  expect(await processInstancesOf(orderId)).toBe(1);
  // once answered, every request with the key gets the stored answer
  const later = await post(order, key, correlationId);
  expect([later.status, later.replayed, later.body.orderId]).toEqual([202, true, orderId]);
});

test('the same key with two bodies at once: one order; the other body is refused as a reused key', async () => {
  const [first, second] = [sampleOrder(), sampleOrder()];
  const key = `k-${randomUUID()}`;
  const correlationId = `corr-${randomUUID()}`;
  const answers = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => post(i % 2 === 0 ? first : second, key, correlationId).then((a) => ({ a, body: i % 2 }))));

  const orderId = expectOneOrderAnswered(answers.map((x) => x.a));
  const winner = answers.find((x) => x.a.status === 202 && !x.a.replayed)?.body;
  for (const { a, body } of answers) {
    if (body === winner) expect(['accepted', 'replayed', '409 idempotency-key-in-progress']).toContain(kindOf(a));
    else expect(kindOf(a)).toBe('409 idempotency-key-reused');
  }
  expect(await ordersOfCorrelation(correlationId)).toEqual([orderId]);
});

describe('below the intake: who starts the order of a used key', () => {
  let deps: AcceptOrderDeps;
  beforeAll(() => {
    // a message name no deployed model waits for: the engine keeps the message until its TTL
    const messages = suffixedMessages(zeebeMessagePublisher(h.pt.zeebe), `ic${randomUUID().slice(0, 8)}`);
    deps = { db: h.db, messages, provisioningPollCycle: h.config.PROVISIONING_POLL_CYCLE, provisioningSla: h.config.PROVISIONING_SLA };
  });

  /** A publisher whose first publish waits until released: the claiming request is in the middle of its start. */
  function heldPublisher(): { messages: MessagePublisher; release: () => void; published: EngineMessage[] } {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const published: EngineMessage[] = [];
    return {
      messages: { publish: async (m) => { published.push(m); await held; await deps.messages.publish(m); } },
      release: () => release(),
      published,
    };
  }

  test('while the claiming request starts its order, the others are told it is in progress; then they get its answer', async () => {
    const order = sampleOrder();
    const key = `k-${randomUUID()}`;
    const held = heldPublisher();
    const claiming = acceptOrder({ ...deps, messages: held.messages }, order, key);
    await eventually('the claim to publish', async () => (held.published.length === 1 ? true : undefined), { timeoutMs: 5_000, intervalMs: 20 });
    const meanwhile = await Promise.all(Array.from({ length: 10 }, () => acceptOrder(deps, order, key)));
    expect(new Set(meanwhile.map((r) => r.kind))).toEqual(new Set(['in-progress']));
    held.release();
    const first = await claiming;
    expect(first).toMatchObject({ kind: 'accepted', replayed: false });
    expect(await acceptOrder(deps, order, key)).toEqual({ ...first, replayed: true });
    expect(held.published).toHaveLength(1);
  });

  test('a key given back by a failed start is taken over by one of the concurrent retries', async () => {
    const order = sampleOrder();
    const key = `k-${randomUUID()}`;
    const failed = await acceptOrder({ ...deps, messages: { publish: async () => Promise.reject(new Error('engine unavailable')) } }, order, key);
    expect(failed).toMatchObject({ kind: 'start-failed' });
    const retries = await Promise.all(Array.from({ length: 10 }, () => acceptOrder(deps, order, key)));
    const started = retries.filter((r): r is Extract<AcceptOrderResult, { kind: 'accepted' }> => r.kind === 'accepted' && !r.replayed);
    expect(started).toHaveLength(1);
    expect(started[0]?.order.orderId).toBe(failed.kind === 'start-failed' ? failed.orderId : '');
    expect(retries.filter((r) => r.kind !== 'accepted' && r.kind !== 'in-progress')).toEqual([]);
  });

  test('a claim left unanswered by a request that died is taken over once it is stale', async () => {
    const order = sampleOrder();
    const key = `k-${randomUUID()}`;
    const dead = heldPublisher(); // never released before the take-over: the claiming request "died" mid-start
    const abandoned = acceptOrder({ ...deps, messages: dead.messages }, order, key);
    await eventually('the claim to publish', async () => (dead.published.length === 1 ? true : undefined), { timeoutMs: 5_000, intervalMs: 20 });
    expect(await acceptOrder(deps, order, key)).toMatchObject({ kind: 'in-progress' });
    await h.db.query(sql.unsafe`
      update idempotency_record set created_at = now() - make_interval(secs => ${UNANSWERED_CLAIM_STALE_MS / 1000 + 1})
      where idempotency_key = ${key}`);
    const takenOver = await acceptOrder(deps, order, key);
    expect(takenOver).toMatchObject({ kind: 'accepted', replayed: false, order: { orderId: dead.published[0]?.correlationKey } });
    dead.release();
    await abandoned;
  });
});

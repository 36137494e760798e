// The hot paths' database round trips, counted at the pg driver on the real PostgreSQL, with the
// start and result messages published to the real engine: order intake takes at most 2 on its
// success path, a provisioning result (callback or result event) at most 3. The slower paths
// (replay, conflict, engine away, duplicate, unknown request) keep their answers.
import { provisioningSigning } from '../../src/adapters/provisioning/signature.ts';
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { engineOverGateway } from '../../src/adapters/engine/engine-port.ts';
import { suffixedMessages } from '../../src/adapters/engine/model-suffix.ts';
import { zeebeMessagePublisher } from '../../src/adapters/engine/message-publisher.ts';
import type { MessagePublisher } from '../../src/core/ports/message-publisher.ts';
import { deliverProvisioningResult, type ProvisioningResultDelivery } from '../../src/core/provisioning-results/result-inbox.ts';
import { acceptOrder, type AcceptOrderDeps } from '../../src/core/use-cases/accept-order.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createZeebeClient } from '../../src/platform/zeebe-client.ts';
import { buildIntakeServer } from '../../src/intake/server.ts';
import { apiAccess } from '../../src/intake/auth/api-access.ts';
import { apiAuthorization } from '../../stack/api-tokens.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { counted, countedInProcess } from '../support/round-trip-counter.ts';
import { signedCallbackHeaders } from '../support/signed-callback.ts';

const config = loadConfig();
let db: DatabasePool;
let zeebe: ReturnType<typeof createZeebeClient>;
let messages: MessagePublisher;
let deps: AcceptOrderDeps;

beforeAll(async () => {
  db = await createDatabasePool(config, 'round-trips-test');
  zeebe = createZeebeClient(config);
  // a name no deployed model waits for: the engine takes the message and keeps it until its TTL
  messages = suffixedMessages(zeebeMessagePublisher(zeebe), `rt${randomUUID().slice(0, 8)}`);
  deps = { db, messages, provisioningPollCycle: config.PROVISIONING_POLL_CYCLE, provisioningSla: config.PROVISIONING_SLA };
  // connections opened before counting: a connect is not a round trip of the path
  await Promise.all([1, 2, 3].map(() => db.query(sql.unsafe`select 1`)));
  await messages.publish({ name: 'warm-up', correlationKey: 'warm-up', messageId: randomUUID(), variables: {}, timeToLiveMs: 1_000 });
});
afterAll(async () => {
  await zeebe.close();
  await db.end();
});

describe('order intake', () => {
  test('a new order takes 2 round trips: one statement stores key, order and link; one keeps the answer', async () => {
    const order = sampleOrder();
    const { value: result, statements } = await counted(() => acceptOrder(deps, order, `k-${randomUUID()}`, 'corr-rt'));
    expect(result).toMatchObject({ kind: 'accepted', replayed: false, order: { status: 'ACCEPTED', correlationId: 'corr-rt' } });
    expect(statements).toEqual([expect.stringMatching(/^with claimed as \( insert into idempotency_record/), expect.stringMatching(/^update idempotency_record/)]);

    const orderId = result.kind === 'accepted' ? result.order.orderId : '';
    const stored = await db.one(sql.type(z.object({ order_status: z.string(), start_message_id: z.string(), response_status: z.number() }))`
      select o.order_status, l.start_message_id, i.response_status
      from customer_order o join order_orchestration_link l using (order_id) join idempotency_record i on i.resource_id = o.order_id
      where o.order_id = ${orderId}`);
    expect(stored).toEqual({ order_status: 'ACCEPTED', start_message_id: orderId, response_status: 202 });
  });

  test('the same key replays the answer, another body under it is refused, nothing is stored twice', async () => {
    const order = sampleOrder();
    const key = `k-${randomUUID()}`;
    const first = await acceptOrder(deps, order, key);
    const again = await counted(() => acceptOrder(deps, order, key));
    expect(again.value).toEqual({ ...first, replayed: true });
    expect(again.statements.length).toBeLessThanOrEqual(2);
    expect(await acceptOrder(deps, sampleOrder(), key)).toMatchObject({ kind: 'key-reused' });
    const orders = await db.oneFirst(sql.type(z.object({ n: z.number() }))`
      select count(*)::int as n from idempotency_record where idempotency_key = ${key}`);
    expect(orders).toBe(1);
  });

  test('an engine that does not take the start message: stored, 503-worthy; the retry with the key starts the same order', async () => {
    const order = sampleOrder();
    const key = `k-${randomUUID()}`;
    const away: MessagePublisher = { publish: async () => Promise.reject(new Error('engine unavailable')) };
    const failed = await acceptOrder({ ...deps, messages: away }, order, key);
    expect(failed).toMatchObject({ kind: 'start-failed' });
    const retried = await acceptOrder(deps, order, key);
    expect(retried).toMatchObject({ kind: 'accepted', replayed: false, order: { orderId: failed.kind === 'start-failed' ? failed.orderId : '' } });
  });
});

/** An order whose activation waits for the provider's answer to `providerRequestId`. */
async function waitingActivation(): Promise<{ orderId: string; orderItemId: string; taskId: string; callId: string; providerRequestId: string }> {
  const order = sampleOrder();
  const accepted = await acceptOrder(deps, order, `k-${randomUUID()}`);
  if (accepted.kind !== 'accepted') throw new Error(`order not accepted: ${accepted.kind}`);
  const orderId = accepted.order.orderId;
  const orderItemId = order.items[0]?.orderItemId ?? 'item';
  const taskId = randomUUID();
  const callId = randomUUID();
  const providerRequestId = `PTX-RT-${randomUUID().slice(0, 8)}`;
  await db.query(sql.unsafe`
    insert into external_call_attempt (external_call_id, tenant_id, system_code, operation_code, business_object_type, business_object_id,
      idempotency_key, correlation_id, causation_id, request_hash, request_snapshot, status, external_request_id, attempt_no, started_at)
    values (${callId}, ${order.tenantId}, 'PROVISIONING', 'ACTIVATE_SERVICE', 'ORDER_ITEM', ${`${orderId}/${orderItemId}`},
      ${`test:${callId}`}, ${accepted.order.correlationId}, 'test', 'sha256:test', '{}'::jsonb, 'PENDING', ${providerRequestId}, 1, now())`);
  await db.query(sql.unsafe`
    insert into fulfillment_task (fulfillment_task_id, order_id, order_item_id, task_type, status, external_request_id, last_external_call_id)
    values (${taskId}, ${orderId}, ${orderItemId}, 'ACTIVATE_SERVICE', 'WAITING_EXTERNAL', ${providerRequestId}, ${callId})`);
  return { orderId, orderItemId, taskId, callId, providerRequestId };
}

describe('provisioning result', () => {

  const callback = (providerRequestId: string, status: 'SUCCEEDED' | 'FAILED' | 'PENDING' = 'SUCCEEDED'): ProvisioningResultDelivery => ({
    eventId: `provisioning-callback:${providerRequestId}:${status}`,
    eventType: 'ProvisioningCallback',
    sourceTopic: 'http:/callbacks/provisioning',
    channel: 'CALLBACK',
    result: { providerRequestId, status, serviceInstanceId: `SI-${providerRequestId}` },
    snapshot: { providerRequestId, status },
  });

  test('a final result takes 3 round trips and records task, attempt, evidence, outbox event and inbox once', async () => {
    const w = await waitingActivation();
    const { value: status, statements } = await counted(() => deliverProvisioningResult(db, messages, callback(w.providerRequestId)));
    expect(status).toBe('PROCESSED');
    expect(statements).toEqual([
      expect.stringMatching(/^with received as \( insert into inbox_event/),
      expect.stringMatching(/^with "moved" as \( update fulfillment_task/),
      expect.stringMatching(/^update inbox_event set status/),
    ]);

    const recorded = await db.one(sql.type(z.object({ task: z.string(), attempt: z.string(), evidence: z.number(), announced: z.number(), inbox: z.string() }))`
      select (select status from fulfillment_task where fulfillment_task_id = ${w.taskId}) as task,
        (select status from external_call_attempt where external_call_id = ${w.callId}) as attempt,
        (select count(*)::int from external_call_evidence where external_call_id = ${w.callId} and detail = 'callback: final result') as evidence,
        (select count(*)::int from outbox_event where message_key = ${w.orderId} and event_type = 'ServiceProvisioned') as announced,
        (select status from inbox_event where event_id = ${callback(w.providerRequestId).eventId}) as inbox`);
    expect(recorded).toEqual({ task: 'SUCCEEDED', attempt: 'SUCCEEDED', evidence: 1, announced: 1, inbox: 'PROCESSED' });

    // the same delivery again: one round trip, nothing changes
    const again = await counted(() => deliverProvisioningResult(db, messages, callback(w.providerRequestId)));
    expect(again.value).toBe('duplicate');
    expect(again.statements).toHaveLength(1);
  });

  test('a second final result by another channel only adds evidence: the first one wins', async () => {
    const w = await waitingActivation();
    expect(await deliverProvisioningResult(db, messages, callback(w.providerRequestId))).toBe('PROCESSED');
    const byEvent = { ...callback(w.providerRequestId, 'FAILED'), eventId: randomUUID(), channel: 'EVENT' as const, sourceTopic: 'provisioning.results.v1' };
    expect(await deliverProvisioningResult(db, messages, byEvent)).toBe('PROCESSED');
    const rows = await db.one(sql.type(z.object({ task: z.string(), repeated: z.number(), announced: z.number() }))`
      select (select status from fulfillment_task where fulfillment_task_id = ${w.taskId}) as task,
        (select count(*)::int from external_call_evidence where external_call_id = ${w.callId} and detail = 'event: repeated result') as repeated,
        (select count(*)::int from outbox_event where message_key = ${w.orderId} and event_type like 'ServiceProvisioning%') as announced`);
    expect(rows).toEqual({ task: 'SUCCEEDED', repeated: 1, announced: 0 });
  });

  test('a result nobody waits for yet is kept for a retry; a status that is not final is processed and delivers nothing', async () => {
    expect(await deliverProvisioningResult(db, messages, callback(`PTX-RT-unknown-${randomUUID()}`))).toBe('FAILED_RETRYABLE');
    const w = await waitingActivation();
    const { value, statements } = await counted(() => deliverProvisioningResult(db, messages, callback(w.providerRequestId, 'PENDING')));
    expect(value).toBe('PROCESSED');
    expect(statements).toHaveLength(2);
  });
});

describe('over HTTP (the intake routes, in process)', () => {
  const app = async () => {
    const intake = buildIntakeServer({ ...deps, engine: engineOverGateway(config, zeebe), log: createLogger('round-trips-test', 'silent'), access: apiAccess(config), callbackSigning: provisioningSigning(config) });
    await intake.ready();
    return intake;
  };

  test('POST /orders: 202 in 2 round trips', async () => {
    const intake = await app();
    // the bearer check reads no table (the JWKS is fetched once, then cached): fetched before counting
    const authorization = await apiAuthorization('intake');
    await intake.inject({ method: 'GET', url: '/orders/ord-none', headers: authorization });
    const { value: answer, statements } = await countedInProcess(() =>
      intake.inject({ method: 'POST', url: '/orders', headers: { 'content-type': 'application/json', 'idempotency-key': `k-${randomUUID()}`, ...authorization }, payload: JSON.stringify(sampleOrder()) }),
    );
    expect(answer.statusCode).toBe(202);
    expect(statements).toHaveLength(2);
    await intake.close();
  });

  test('POST /callbacks/provisioning: 202 in 3 round trips', async () => {
    const intake = await app();
    const w = await waitingActivation();
    const body = { provTxnRef: w.providerRequestId, clientTxnRef: `ct-${w.callId}`, orderRef: w.orderId, itemRef: w.orderItemId, status: 'DONE', svcInstanceId: 'SI-1' };
    const payload = JSON.stringify(body);
    const { value: answer, statements } = await countedInProcess(() => intake.inject({ method: 'POST', url: '/callbacks/provisioning', headers: signedCallbackHeaders(payload), payload }));
    expect([answer.statusCode, answer.json()]).toEqual([202, { accepted: true, inbox: 'PROCESSED' }]);
    expect(statements).toHaveLength(3);
    await intake.close();
  });
});

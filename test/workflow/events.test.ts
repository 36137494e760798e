// Events on the real Kafka: the outbox relay keeps each order's events in order and loses none —
// killed mid-run, or with Kafka away for a while — and the inbox makes every event count once.
// Provisioning results reach waiting orders through Kafka as well as through HTTP callbacks; a
// repeated result changes nothing; odd messages end in their inbox status without stopping anything.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { sql } from 'slonik';
import { z } from 'zod';
import { kafka as kafkaComponent } from '../../stack/components/kafka.ts';
import { stackSettings } from '../../stack/settings.ts';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { emit } from '../../src/events/emit.ts';
import { LIFECYCLE_TOPIC } from '../../src/events/event-schemas.ts';
import { receiveOnce } from '../../src/events/inbox.ts';
import { kafkajsBus } from '../../src/events/kafkajs-bus.ts';
import type { ConsumedMessage } from '../../src/events/message-bus.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { FulfillmentHarness } from '../support/fulfillment-harness.ts';
import { eventually } from '../support/process-test.ts';
import { postSignedCallback, providerSigningSecret } from '../support/signed-callback.ts';
import { signProvisioningPayload } from '../../src/adapters/provisioning/signature.ts';

const config = loadConfig();
const quiet = createLogger('events-test', 'silent');
const root = path.resolve(import.meta.dirname, '..', '..');

/** Reads the lifecycle topic from the start (fresh group) and keeps the events of our orders. */
async function collect(prefix: string, until: (msgs: readonly ConsumedMessage[]) => boolean, timeoutMs = 60_000): Promise<ConsumedMessage[]> {
  const bus = kafkajsBus({ brokers: config.KAFKA_BROKERS, clientId: 'events-test', log: quiet });
  const seen: ConsumedMessage[] = [];
  const consumer = await bus.consume({ groupId: `events-test-${randomUUID()}`, topics: [LIFECYCLE_TOPIC], fromBeginning: true, handle: async (m) => void (m.key.startsWith(prefix) && seen.push(m)) });
  try {
    await eventually('the expected events on Kafka', async () => (until(seen) ? true : undefined), { timeoutMs, intervalMs: 500 });
    return seen;
  } finally {
    await consumer.close();
  }
}

const eventIdOf = (m: ConsumedMessage) => (JSON.parse(m.value) as { eventId: string }).eventId;

describe('the outbox relay', () => {
  let db: DatabasePool;
  beforeAll(async () => {
    db = await createDatabasePool(config, 'events-test');
  });
  afterAll(async () => {
    await db.end();
  });

  test('killed mid-run and restarted: every event is on Kafka, per order in commit order, and counts once after the inbox', async () => {
    const prefix = `ord-relay-${randomUUID().slice(0, 8)}-`;
    const orders = 60;
    const perOrder = 5;
    // events committed in order, per order: item 1, 2, 3, …
    for (let n = 0; n < perOrder; n++) {
      for (let o = 0; o < orders; o++) {
        await emit(db, 'InventoryReserved', { orderId: `${prefix}${o}`, correlationId: 'c', causationId: 'test', payload: { orderItemId: `item-${n}`, reservationId: `r-${n}` } });
      }
    }
    const ours = sql.fragment`message_key like ${`${prefix}%`}`;
    const published = () => db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from outbox_event where ${ours} and published_at is not null`);
    const total = orders * perOrder;

    const relay = () => spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', path.join(root, 'src/main/relay.ts')], { cwd: root, env: { ...process.env, OUTBOX_RELAY_BATCH_SIZE: '10', LOG_LEVEL: 'warn' }, stdio: 'ignore' });
    const first = relay();
    await eventually('the relay to publish part of the events', async () => ((await published()) >= 20 ? true : undefined), { timeoutMs: 60_000, intervalMs: 20 });
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = await published();
    expect(atKill).toBeLessThan(total);

    const second = relay();
    try {
      await eventually('every event to be published', async () => ((await published()) === total ? true : undefined), { timeoutMs: 90_000, intervalMs: 500 });
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
    }

    const wanted = new Set((await db.anyFirst(sql.type(z.object({ event_id: z.string() }))`select event_id from outbox_event where ${ours}`)) as string[]);
    const delivered = await collect(prefix, (msgs) => new Set(msgs.map(eventIdOf)).size >= wanted.size);
    // per order, the first delivery of each event follows commit order
    const byOrder = new Map<string, string[]>();
    for (const m of delivered) {
      const items = byOrder.get(m.key) ?? [];
      const item = (JSON.parse(m.value) as { payload: { orderItemId: string } }).payload.orderItemId;
      if (!items.includes(item)) items.push(item);
      byOrder.set(m.key, items);
    }
    expect(byOrder.size).toBe(orders);
    for (const items of byOrder.values()) expect(items).toEqual(Array.from({ length: perOrder }, (_, n) => `item-${n}`));

    // through the inbox, each event is handled exactly once, however often it was delivered
    const handled = new Map<string, number>();
    for (const m of delivered) {
      await receiveOnce(db, { eventId: eventIdOf(m), sourceTopic: `test:${prefix}`, eventType: 'InventoryReserved' }, async () => {
        handled.set(eventIdOf(m), (handled.get(eventIdOf(m)) ?? 0) + 1);
        return { status: 'PROCESSED' };
      });
    }
    expect(handled.size).toBe(total);
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    expect(delivered.length).toBeGreaterThanOrEqual(total);
  }, 240_000);
});

describe('with the farm, its relay and its results consumer', () => {
  let h: FulfillmentHarness;
  beforeAll(async () => {
    h = await FulfillmentHarness.start({
      events: true,
      simulator: { kafkaBrokers: config.KAFKA_BROKERS },
      // no callbacks: provisioning results arrive only as events on Kafka
      env: { PROVISIONING_CALLBACK_URL: 'http://127.0.0.1:9/unreachable' },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  const inbox = (eventId: string) =>
    h.db.maybeOne(sql.type(z.object({ status: z.string(), attempts: z.number() }))`select status, attempts from inbox_event where event_id = ${eventId}`);

  test('an order waiting for provisioning completes through the Kafka result; the same result again changes nothing', async () => {
    const order = sampleOrder();
    const orderId = await h.submitOrder(order);
    await h.awaitOrderStatus(orderId, 'COMPLETED', 90_000);
    const provTxnRef = await h.db.oneFirst(sql.type(z.object({ external_request_id: z.string() }))`
      select external_request_id from fulfillment_task where order_id = ${orderId} and task_type = 'ACTIVATE_SERVICE'`);
    const [row] = await h.db.any(sql.type(z.object({ event_id: z.string(), status: z.string(), attempts: z.number() }))`
      select event_id, status, attempts from inbox_event where subject_id = ${provTxnRef} and source_topic = 'provisioning.results.v1'`);
    expect(row).toMatchObject({ status: 'PROCESSED', attempts: 1 });

    const res = await fetch(`${h.simulatorUrl}/__sim/provisioning/republish`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provTxnRef }) });
    expect(res.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await inbox(row!.event_id)).toEqual({ status: 'PROCESSED', attempts: 1 });
    const pik = await h.processInstanceOf(orderId);
    expect((await h.pt.awaitPassed(pik, ['EndEvent_OrderCompleted'])).filter((e) => e === 'ReceiveTask_AwaitProvisioningResult')).toHaveLength(1);
  }, 120_000);

  test('a repeated HTTP callback goes through the same inbox and changes nothing', async () => {
    const order = sampleOrder();
    const orderId = await h.submitOrder(order);
    await h.awaitOrderStatus(orderId, 'COMPLETED', 90_000);
    const provTxnRef = await h.db.oneFirst(sql.type(z.object({ external_request_id: z.string() }))`
      select external_request_id from fulfillment_task where order_id = ${orderId} and task_type = 'ACTIVATE_SERVICE'`);
    const callback = { provTxnRef, clientTxnRef: 'x', orderRef: orderId, itemRef: order.items[0]!.orderItemId, status: 'DONE', svcInstanceId: 'SVC-1' };
    const post = () => postSignedCallback(h.intakeUrl, callback);
    const first = (await (await post()).json()) as { inbox: string };
    const again = (await (await post()).json()) as { inbox: string };
    expect(first.inbox).toBe('PROCESSED');
    expect(again.inbox).toBe('duplicate');
  }, 120_000);

  test('a result whose signature does not verify is parked with the reason and changes nothing', async () => {
    const order = sampleOrder();
    const orderId = await h.submitOrder(order);
    await h.awaitOrderStatus(orderId, 'COMPLETED', 90_000);
    const task = await h.db.one(sql.type(z.object({ external_request_id: z.string(), status: z.string(), last_external_call_id: z.string() }))`
      select external_request_id, status, last_external_call_id from fulfillment_task where order_id = ${orderId} and task_type = 'ACTIVATE_SERVICE'`);
    const evidence = () => h.db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from external_call_evidence where external_call_id = ${task.last_external_call_id}`);
    const evidenceBefore = await evidence();
    const forged = () => {
      const eventId = randomUUID();
      const value = JSON.stringify({ eventId, eventType: 'ServiceOrderStatusChanged', occurredAt: new Date().toISOString(), provTxnRef: task.external_request_id, clientTxnRef: 'x', orderRef: orderId, itemRef: order.items[0]!.orderItemId, status: 'ERR', errCd: 'FORGED', errMsg: 'forged' });
      return { eventId, value };
    };
    const tolerance = config.PROVISIONING_SIGNATURE_TOLERANCE_S;
    const cases = [
      { reason: 'missing', headers: {} },
      { reason: 'mismatch', sign: (v: string) => signProvisioningPayload(v, 'a-secret-the-farm-does-not-have') },
      { reason: 'stale', sign: (v: string) => signProvisioningPayload(v, providerSigningSecret(), new Date(Date.now() - (tolerance + 60) * 1000)) },
      { reason: 'malformed', headers: { 'X-Signature-Timestamp': 'yesterday', 'X-Signature': 'v1=nothex' } },
    ].map((c) => ({ ...c, ...forged() }));
    for (const c of cases) {
      const headers = 'sign' in c && c.sign ? c.sign(c.value) : c.headers;
      const res = await fetch(`${h.simulatorUrl}/__sim/kafka/raw`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ topic: 'provisioning.results.v1', key: task.external_request_id, value: c.value, headers }) });
      expect(res.ok).toBe(true);
    }
    const parked = (value: string) =>
      h.db.maybeOne(sql.type(z.object({ status: z.string(), last_error: z.string().nullable(), event_id: z.string() }))`
        select status, last_error, event_id from inbox_event where source_topic = 'provisioning.results.v1' and payload->>'raw' = ${value}`);
    for (const c of cases) {
      const row = await eventually(`the ${c.reason} one to be parked`, async () => (await parked(c.value)) ?? undefined, { timeoutMs: 30_000 });
      expect(row).toMatchObject({ status: 'PARKED_BAD_SIGNATURE', last_error: expect.stringContaining(`signature ${c.reason}`) });
      // kept under its position, not under the id it claims: a forged message cannot take a real event's id
      expect(row.event_id).not.toBe(c.eventId);
      expect(await inbox(c.eventId)).toBeNull();
    }
    const after = await h.db.oneFirst(sql.type(z.object({ status: z.string() }))`select status from fulfillment_task where external_request_id = ${task.external_request_id}`);
    expect(after).toBe(task.status);
    expect(await evidence()).toBe(evidenceBefore);
  }, 150_000);

  test('unknown event types, unknown fields and malformed messages end in their inbox status; the consumer goes on', async () => {
    const raw = async (value: string) => {
      const res = await fetch(`${h.simulatorUrl}/__sim/kafka/raw`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ topic: 'provisioning.results.v1', key: 'k', value }) });
      expect(res.ok).toBe(true);
    };
    const notJsonParked = async () => h.db.oneFirst(sql.type(z.object({ n: z.number() }))`
      select count(*)::int as n from inbox_event where status = 'PARKED_CONTRACT_VIOLATION' and last_error = 'message value is not JSON'`);
    const parkedBefore = await notJsonParked();
    const unknownType = randomUUID();
    const missingFields = randomUUID();
    await raw(JSON.stringify({ eventId: unknownType, eventType: 'ServiceOrderArchived', occurredAt: new Date().toISOString(), provTxnRef: 'x' }));
    await raw(JSON.stringify({ eventId: missingFields, eventType: 'ServiceOrderStatusChanged', occurredAt: new Date().toISOString() }));
    await raw(`{not json ${randomUUID()}`);

    await eventually('the unknown type to be ignored', async () => ((await inbox(unknownType))?.status === 'IGNORED_UNSUPPORTED_TYPE' ? true : undefined), { timeoutMs: 30_000 });
    await eventually('the broken message to be parked', async () => ((await inbox(missingFields))?.status === 'PARKED_CONTRACT_VIOLATION' ? true : undefined), { timeoutMs: 30_000 });
    // the message that is not JSON has no event id of its own to look up: count the parked ones
    await eventually('the message that is not JSON to be parked', async () => ((await notJsonParked()) > parkedBefore ? true : undefined), { timeoutMs: 30_000 });
    expect(await notJsonParked()).toBeGreaterThan(parkedBefore);

    // and a real result after them is still delivered (its message carries fields we do not know)
    const orderId = await h.submitOrder(sampleOrder());
    await h.awaitOrderStatus(orderId, 'COMPLETED', 90_000);
  }, 150_000);

  test('with Kafka stopped for a while, orders still complete; the backlog drains when it returns, nothing lost', async () => {
    const s = stackSettings();
    await kafkaComponent.down(s);
    let orderId = '';
    try {
      const order = sampleOrder({ items: 2 });
      orderId = await h.submitOrder(order);
      // the order waits for Kafka-borne results; deliver them by callback instead
      await eventually('both service orders to be done at the provider', async () => {
        const tasks = await h.db.anyFirst(sql.type(z.object({ external_request_id: z.string().nullable() }))`
          select external_request_id from fulfillment_task where order_id = ${orderId} and task_type = 'ACTIVATE_SERVICE'`);
        return tasks.length === 2 && tasks.every(Boolean) ? tasks : undefined;
      });
      const tasks = await h.db.any(sql.type(z.object({ external_request_id: z.string(), order_item_id: z.string() }))`
        select external_request_id, order_item_id from fulfillment_task where order_id = ${orderId} and task_type = 'ACTIVATE_SERVICE'`);
      for (const t of tasks) {
        await postSignedCallback(h.intakeUrl, { provTxnRef: t.external_request_id, clientTxnRef: 'x', orderRef: orderId, itemRef: t.order_item_id, status: 'DONE', svcInstanceId: `SVC-${t.order_item_id}` });
      }
      await h.awaitOrderStatus(orderId, 'COMPLETED', 90_000);
      const unpublished = await h.db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from outbox_event where message_key = ${orderId} and published_at is null`);
      expect(unpublished).toBeGreaterThan(0);
    } finally {
      await kafkaComponent.up(s);
    }
    const expected = await h.db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from outbox_event where message_key = ${orderId}`);
    await eventually('the backlog to drain', async () =>
      (await h.db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from outbox_event where message_key = ${orderId} and published_at is null`)) === 0 ? true : undefined,
    { timeoutMs: 90_000, intervalMs: 1_000 });
    const delivered = await collect(orderId, (msgs) => new Set(msgs.map(eventIdOf)).size >= expected);
    const types = [...new Map(delivered.map((m) => [eventIdOf(m), (JSON.parse(m.value) as { eventType: string }).eventType])).values()];
    expect(types[0]).toBe('FulfillmentStarted');
    expect(types.at(-1)).toBe('OrderFulfilled');
    expect(new Set(delivered.map(eventIdOf)).size).toBe(expected);
  }, 240_000);
});

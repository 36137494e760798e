// Provisioning's result events on the stack's real Kafka: one message per final status, keyed by
// provTxnRef, in the shape contracts/asyncapi/provisioning-results.yaml documents and the farm's
// adapter reads; republish repeats an event with its eventId; raw publishes exactly what it is given.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { readProvisioningResultEvent } from '../../src/adapters/provisioning/result-event.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { startSimulators, type RunningSimulators } from '../server.ts';
import { startCallbackReceiver } from '../testing/callback-receiver.ts';
import { deref, loadDocument, validate, type OpenApiDocument } from '../testing/openapi-check.ts';
import { TEST_CREDENTIALS, authHeaders, call, eventually, simControl, sleep } from '../testing/sim-client.ts';
import { PROVISIONING_RESULTS_TOPIC } from './provisioning-results.ts';
import { verifyProvisioningResultMessage } from '../../src/adapters/provisioning/signature.ts';

interface Received {
  readonly topic: string;
  readonly key: string | null;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

const brokers = loadConfig().KAFKA_BROKERS;
const kafka = new Kafka({ clientId: 'provisioning-results-test', brokers, logLevel: logLevel.NOTHING });
const auth = authHeaders().provisioning;
const asyncApi = loadDocument('asyncapi/provisioning-results.yaml') as OpenApiDocument & { components: { schemas: Record<string, unknown> } };
const messageSchema = deref(asyncApi, { $ref: '#/components/schemas/ServiceOrderStatusChanged' });

let sim: RunningSimulators;
const consumers: Consumer[] = [];
const received: Received[] = [];
const rawTopic = `sim-test.raw.${randomUUID()}`;

/** A consumer of its own throwaway group, from the beginning: nothing published after it starts is missed. */
async function consume(topic: string): Promise<void> {
  const consumer = kafka.consumer({ groupId: `sim-test-${randomUUID()}` });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic: from, message }) => {
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
      received.push({ topic: from, key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers });
    },
  });
}

beforeAll(async () => {
  // the topic must exist before a consumer subscribes (the broker does not create topics)
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: PROVISIONING_RESULTS_TOPIC, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  sim = await startSimulators({ port: 0, credentials: TEST_CREDENTIALS, completionDelayMs: 50, kafkaBrokers: brokers });
  await consume(PROVISIONING_RESULTS_TOPIC);
});

afterAll(async () => {
  await Promise.allSettled(consumers.map((c) => c.disconnect()));
  await sim.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [rawTopic] }).catch(() => undefined);
  await admin.disconnect();
});

const submit = (over: Record<string, unknown> = {}) =>
  call(sim.url, 'POST', '/provisioning/api/service-orders', {
    body: { clientTxnRef: `TXN-${randomUUID()}`, action: 'ADD', svcSpec: 'FIBER-1G', params: { vlan: 100 }, orderRef: `ORD-${randomUUID()}`, itemRef: 'ITEM-1', ...over },
    headers: auth,
  });
const messagesKeyed = (key: string) => received.filter((m) => m.topic === PROVISIONING_RESULTS_TOPIC && m.key === key);
const firstMessage = (key: string) => eventually(() => messagesKeyed(key)[0], 20_000);

describe('final results on provisioning.results.v1', () => {
  it('a completed service order produces exactly one message, keyed by provTxnRef, in the documented shape', async () => {
    const receiver = await startCallbackReceiver();
    try {
      const accepted = await submit({ callbackUrl: receiver.url });
      const provTxnRef: string = accepted.body.provTxnRef;
      const message = await firstMessage(provTxnRef);
      await sleep(1_500); // a second message would have arrived by now
      expect(messagesKeyed(provTxnRef)).toHaveLength(1);

      const value = JSON.parse(message.value) as Record<string, unknown>;
      const order = sim.state.provisioning.serviceOrders.get(provTxnRef);
      expect(value).toEqual({
        eventId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        eventType: 'ServiceOrderStatusChanged',
        occurredAt: expect.any(String),
        provTxnRef,
        clientTxnRef: order?.clientTxnRef,
        orderRef: order?.orderRef,
        itemRef: 'ITEM-1',
        status: 'DONE',
        svcInstanceId: order?.svcInstanceId,
      });
      expect(validate(asyncApi, messageSchema, value, true)).toEqual([]);
      // signed over the value with the provider's secret, as the farm's consumer checks it
      expect(verifyProvisioningResultMessage({ secrets: [TEST_CREDENTIALS.provisioningSigningSecret], toleranceSeconds: 60 })(message)).toEqual({ ok: true });
      // the farm's adapter reads it as the same result the callback carries
      expect(readProvisioningResultEvent(message.value)).toMatchObject({ kind: 'result', eventId: value.eventId, result: { providerRequestId: provTxnRef, status: 'SUCCEEDED', serviceInstanceId: order?.svcInstanceId } });
      // the callback is still delivered, with the same status
      await eventually(() => receiver.received[0]);
      expect(receiver.received[0]?.body).toMatchObject({ provTxnRef, status: 'DONE' });
    } finally {
      await receiver.close();
    }
  });

  it('failures are published too: ERR for a failing specification, ERR2 from an async-failure rule', async () => {
    const failing = await submit({ svcSpec: 'SPEC-FAIL-X' });
    const clientTxnRef = `TXN-${randomUUID()}`;
    await simControl(sim.url).addFault({ system: 'provisioning', match: { clientTxnRef }, fault: { type: 'async-failure', errCd: 'NE-DOWN', errMsg: 'network element unreachable', status: 'ERR2' } });
    const err2 = await submit({ clientTxnRef });

    const err = JSON.parse((await firstMessage(failing.body.provTxnRef)).value) as Record<string, unknown>;
    expect(err).toMatchObject({ status: 'ERR', errCd: 'SPEC_FAILED', errMsg: expect.any(String) });
    expect(err).not.toHaveProperty('svcInstanceId');
    expect(validate(asyncApi, messageSchema, err, true)).toEqual([]);
    const second = JSON.parse((await firstMessage(err2.body.provTxnRef)).value) as Record<string, unknown>;
    expect(second).toMatchObject({ status: 'ERR2', errCd: 'NE-DOWN', errMsg: 'network element unreachable', clientTxnRef });
    expect(readProvisioningResultEvent(JSON.stringify(second))).toMatchObject({ kind: 'result', result: { status: 'FAILED', failureReason: expect.stringContaining('NE-DOWN') } });
  });
});

describe('POST /__sim/provisioning/republish', () => {
  it('publishes the last result event again with the same eventId', async () => {
    const accepted = await submit();
    const provTxnRef: string = accepted.body.provTxnRef;
    const first = await firstMessage(provTxnRef);
    const eventId = (JSON.parse(first.value) as { eventId: string }).eventId;

    const res = await call(sim.url, 'POST', '/__sim/provisioning/republish', { body: { provTxnRef } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ topic: PROVISIONING_RESULTS_TOPIC, key: provTxnRef, partition: expect.any(Number), offset: expect.any(String), eventId });

    await eventually(() => (messagesKeyed(provTxnRef).length === 2 ? true : undefined), 20_000);
    const [once, again] = messagesKeyed(provTxnRef);
    expect(again?.value).toBe(once?.value);
  });

  it('answers 404 for an unknown service order and for one without a final result yet', async () => {
    expect((await call(sim.url, 'POST', '/__sim/provisioning/republish', { body: { provTxnRef: 'PTX-NONE' } })).status).toBe(404);
    const slow = await startSimulators({ port: 0, credentials: TEST_CREDENTIALS, completionDelayMs: 60_000, kafkaBrokers: brokers });
    try {
      const accepted = await call(slow.url, 'POST', '/provisioning/api/service-orders', { body: { clientTxnRef: `TXN-${randomUUID()}`, action: 'ADD', svcSpec: 'S', params: {}, orderRef: 'O', itemRef: 'I' }, headers: auth });
      const res = await call(slow.url, 'POST', '/__sim/provisioning/republish', { body: { provTxnRef: accepted.body.provTxnRef } });
      expect(res).toMatchObject({ status: 404, body: { error: 'NOT_FOUND', detail: expect.stringContaining('no result event yet') } });
    } finally {
      await slow.close();
    }
  });
});

describe('POST /__sim/kafka/raw', () => {
  it('creates a missing topic and publishes key and value exactly as given, signed unless headers are given', async () => {
    const key = `raw-${randomUUID()}`;
    const value = '{"eventType": "SomethingNew", "broken": ';
    const res = await call(sim.url, 'POST', '/__sim/kafka/raw', { body: { topic: rawTopic, key, value } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ topic: rawTopic, key, partition: expect.any(Number), offset: expect.any(String) });
    const keyless = await call(sim.url, 'POST', '/__sim/kafka/raw', { body: { topic: rawTopic, value: 'plain text' } });
    expect(keyless.body).toEqual({ topic: rawTopic, partition: expect.any(Number), offset: expect.any(String) });
    const unsigned = await call(sim.url, 'POST', '/__sim/kafka/raw', { body: { topic: rawTopic, value: 'unsigned text', headers: { 'x-test': 'as given' } } });
    expect(unsigned.status).toBe(200);

    await consume(rawTopic);
    await eventually(() => (received.filter((m) => m.topic === rawTopic).length === 3 ? true : undefined), 20_000);
    const signed = expect.objectContaining({ 'X-Signature-Timestamp': expect.any(String), 'X-Signature': expect.stringMatching(/^v1=[0-9a-f]{64}$/) });
    expect(received.filter((m) => m.topic === rawTopic)).toEqual(
      expect.arrayContaining([
        { topic: rawTopic, key, value, headers: signed },
        { topic: rawTopic, key: null, value: 'plain text', headers: signed },
        { topic: rawTopic, key: null, value: 'unsigned text', headers: { 'x-test': 'as given' } },
      ]),
    );
  });

  it('refuses a body it cannot use with 400', async () => {
    for (const body of [{ topic: 'bad topic!', value: 'x' }, { topic: rawTopic, value: { not: 'a string' } }, { topic: rawTopic }, '{']) {
      const res = await call(sim.url, 'POST', '/__sim/kafka/raw', { body });
      expect({ body, status: res.status, error: res.body?.error }).toEqual({ body, status: 400, error: 'BAD_REQUEST' });
    }
  });
});

describe('without a reachable broker', () => {
  it('keeps going: retries, gives up, callbacks still delivered; republish and raw answer 503', async () => {
    const dead = await startSimulators({ port: 0, credentials: TEST_CREDENTIALS, completionDelayMs: 20, kafkaBrokers: ['127.0.0.1:1'], kafkaRetryDelaysMs: [10] });
    const receiver = await startCallbackReceiver();
    try {
      const accepted = await call(dead.url, 'POST', '/provisioning/api/service-orders', { body: { clientTxnRef: 'TXN-DEAD', action: 'ADD', svcSpec: 'S', params: {}, orderRef: 'O', itemRef: 'I', callbackUrl: receiver.url }, headers: auth });
      const order = () => dead.state.provisioning.serviceOrders.get(accepted.body.provTxnRef);
      await eventually(() => (order()?.resultPublications.length === 2 ? true : undefined), 30_000);
      expect(order()?.resultPublications.map((p) => p.published)).toEqual([false, false]);
      expect(receiver.received).toHaveLength(1);
      expect((await call(dead.url, 'GET', '/__sim/health')).status).toBe(200);

      const republished = await call(dead.url, 'POST', '/__sim/provisioning/republish', { body: { provTxnRef: accepted.body.provTxnRef } });
      expect(republished).toMatchObject({ status: 503, body: { error: 'KAFKA_UNAVAILABLE' } });
      const raw = await call(dead.url, 'POST', '/__sim/kafka/raw', { body: { topic: 'anything', value: 'x' } });
      expect(raw).toMatchObject({ status: 503, body: { error: 'KAFKA_UNAVAILABLE' } });
    } finally {
      await receiver.close();
      await dead.close();
    }
  });
});

describe('started without Kafka', () => {
  it('publishes nothing, and the Kafka control endpoints answer 503 KAFKA_DISABLED', async () => {
    const plain = await startSimulators({ port: 0, credentials: TEST_CREDENTIALS, completionDelayMs: 20 });
    try {
      const accepted = await call(plain.url, 'POST', '/provisioning/api/service-orders', { body: { clientTxnRef: 'TXN-OFF', action: 'ADD', svcSpec: 'S', params: {}, orderRef: 'O', itemRef: 'I' }, headers: auth });
      await eventually(() => (plain.state.provisioning.serviceOrders.get(accepted.body.provTxnRef)?.status === 'DONE' ? true : undefined));
      expect(plain.state.provisioning.serviceOrders.get(accepted.body.provTxnRef)?.resultPublications).toEqual([]);
      for (const [path, body] of [['/__sim/provisioning/republish', { provTxnRef: accepted.body.provTxnRef }], ['/__sim/kafka/raw', { topic: 't', value: 'v' }]] as const) {
        expect(await call(plain.url, 'POST', path, { body })).toMatchObject({ status: 503, body: { error: 'KAFKA_DISABLED' } });
      }
    } finally {
      await plain.close();
    }
  });
});

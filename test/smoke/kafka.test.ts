// Kafka produce/consume round trip through kafkajs against the stack's real broker.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../../src/platform/config.ts';

const config = loadConfig();
const kafka = new Kafka({ clientId: 'smoke-test', brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });

test('a produced message is consumed with its key, value and headers', async () => {
  const topic = `smoke.${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });

  const producer = kafka.producer({ idempotent: true });
  const consumer = kafka.consumer({ groupId: `smoke-${randomUUID()}` });
  try {
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'order-1', value: JSON.stringify({ hello: 'kafka' }), headers: { eventType: 'SmokeProbe' } }] });

    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key: string; value: unknown; eventType: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within 20s')), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve({ key: message.key?.toString() ?? '', value: JSON.parse(message.value?.toString() ?? 'null'), eventType: message.headers?.eventType?.toString() ?? '' });
        },
      });
    });
    expect(received).toEqual({ key: 'order-1', value: { hello: 'kafka' }, eventType: 'SmokeProbe' });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});

// MessageBus over kafkajs: an idempotent producer (acks from all in-sync replicas, one request in
// flight, so a key's messages keep their order even across retries) and consumer groups that
// commit a message only once it was handled.
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '../platform/logger.ts';
import type { BusConsumer, BusProducer, ConsumeOptions, MessageBus } from './message-bus.ts';

/** kafkajs's log entries, through the farm's logger (its own retries are routine: debug). */
function logCreator(log: Logger) {
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      const { message, ...extra } = entry;
      const fields = { namespace, ...extra };
      if (level === logLevel.ERROR) log.warn(fields, `kafka: ${message}`);
      else if (level === logLevel.WARN) log.info(fields, `kafka: ${message}`);
      else log.debug(fields, `kafka: ${message}`);
    };
}

export function kafkajsBus(opts: { brokers: readonly string[]; clientId: string; log: Logger }): MessageBus {
  const kafka = new Kafka({
    clientId: opts.clientId,
    brokers: [...opts.brokers],
    logLevel: logLevel.WARN,
    logCreator: logCreator(opts.log),
    connectionTimeout: 3_000,
    retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
  });

  return {
    async ensureTopics(topics) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((t) => !existing.has(t.name));
        if (missing.length) {
          await admin.createTopics({ topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: 1 })), waitForLeaders: true }).catch((err: Error) => {
            // another process created it in between
            if (!/already exists/i.test(err.message)) throw err;
          });
        }
      } finally {
        await admin.disconnect();
      }
    },

    async producer(): Promise<BusProducer> {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      return {
        async send(topic, messages) {
          await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value, headers: { ...m.headers } })) });
        },
        close: () => producer.disconnect(),
      };
    },

    async consume(o: ConsumeOptions): Promise<BusConsumer> {
      // kafkajs restarts a crashed consumer on a timer; once closed it must not come back (a
      // restart scheduled before close() reconnected a consumer whose owner was gone)
      let closed = false;
      const consumer = kafka.consumer({ groupId: o.groupId, allowAutoTopicCreation: false, retry: { retries: 10, initialRetryTime: 500, maxRetryTime: 10_000, restartOnFailure: async () => !closed } });
      await consumer.connect();
      for (const topic of o.topics) await consumer.subscribe({ topic, fromBeginning: o.fromBeginning ?? true });
      await consumer.run({
        autoCommit: true,
        eachMessage: async ({ topic, partition, message }) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(v);
          // a throw leaves the offset uncommitted: kafkajs pauses and delivers the message again
          const written = Number(message.timestamp);
          await o.handle({ topic, partition, offset: message.offset, timestamp: Number.isFinite(written) && written > 0 ? written : undefined, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers });
        },
      });
      return {
        close: async () => {
          closed = true;
          await consumer.disconnect();
        },
      };
    },
  };
}

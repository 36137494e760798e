// The simulated systems' own Kafka client (kafkajs directly: it stands for the external system's
// client, not the farm's broker port). It connects on first use and creates a missing topic,
// because the stack's broker has automatic topic creation turned off; a failed connection is
// forgotten, so the next send tries again. Retrying a failed send is the caller's business.
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';

export interface KafkaPublisherOptions {
  readonly brokers: readonly string[];
  /** partitions of a topic this publisher creates; default 3 */
  readonly partitions?: number;
  readonly clientId?: string;
}

export interface OutgoingRecord {
  readonly topic: string;
  /** null: no key (the broker spreads such records over the partitions) */
  readonly key: string | null;
  readonly value: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface PublishedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

interface Connection {
  readonly admin: Admin;
  readonly producer: Producer;
}

export class KafkaPublisher {
  private readonly kafka: Kafka;
  private readonly partitions: number;
  private connection: Promise<Connection> | undefined;
  private readonly topics = new Map<string, Promise<void>>();
  private closed = false;

  constructor(options: KafkaPublisherOptions) {
    this.partitions = options.partitions ?? 3;
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'simulators',
      brokers: [...options.brokers],
      logLevel: logLevel.NOTHING,
      // give up quickly: a dead broker must not hold a control request (or close()) for long
      connectionTimeout: 2_000,
      requestTimeout: 10_000,
      retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 2 },
    });
  }

  /** Sends one record and resolves once the broker acknowledged it; throws when it did not. */
  async send(record: OutgoingRecord): Promise<PublishedRecord> {
    if (this.closed) throw new Error('the Kafka publisher is closed');
    const { producer } = await this.connect();
    await this.ensureTopic(record.topic);
    try {
      const [meta] = await producer.send({ topic: record.topic, acks: -1, messages: [{ key: record.key, value: record.value, ...(record.headers ? { headers: { ...record.headers } } : {}) }] });
      return { topic: record.topic, partition: meta?.partition ?? -1, offset: meta?.baseOffset ?? '' };
    } catch (error) {
      this.topics.delete(record.topic); // it may have been deleted since: check again next time
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = await this.connection?.catch(() => undefined);
    this.connection = undefined;
    if (connection) await Promise.allSettled([connection.producer.disconnect(), connection.admin.disconnect()]);
  }

  private connect(): Promise<Connection> {
    this.connection ??= (async () => {
      const admin = this.kafka.admin();
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      try {
        await admin.connect();
        await producer.connect();
        return { admin, producer };
      } catch (error) {
        await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
        throw error;
      }
    })();
    const attempt = this.connection;
    attempt.catch(() => {
      if (this.connection === attempt) this.connection = undefined; // the next send connects again
    });
    return attempt;
  }

  private ensureTopic(topic: string): Promise<void> {
    let ensured = this.topics.get(topic);
    if (!ensured) {
      ensured = this.connect().then(async ({ admin }) => {
        // false (not an error) when the topic exists already, e.g. created by the farm
        await admin.createTopics({ topics: [{ topic, numPartitions: this.partitions, replicationFactor: 1 }], waitForLeaders: true });
      });
      this.topics.set(topic, ensured);
      ensured.catch(() => this.topics.delete(topic));
    }
    return ensured;
  }
}

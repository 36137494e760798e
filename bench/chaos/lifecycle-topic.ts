// The lifecycle topic as a downstream consumer sees it: where it ended when the run began, and,
// afterwards, every record from there to its end, kept only for the run's orders (key = orderId).
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

export interface TopicRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly eventId: string | undefined;
  readonly eventType: string | undefined;
  /** the item or case the event is about, when it names one */
  readonly about: string | undefined;
}

const client = (brokers: readonly string[]) => new Kafka({ clientId: `bench-chaos-${randomUUID().slice(0, 8)}`, brokers: [...brokers], logLevel: logLevel.NOTHING, connectionTimeout: 3_000 });

/** The end offset of each partition (an absent topic has none). */
export async function topicEnds(brokers: readonly string[], topic: string): Promise<Map<number, string>> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return new Map();
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
  } finally {
    await admin.disconnect();
  }
}

/** Reads every record after `from` (partitions missing there: from their start) up to the topic's current end. */
export async function readSince(brokers: readonly string[], topic: string, from: ReadonlyMap<number, string>, keep: (key: string) => boolean, timeoutMs = 120_000): Promise<TopicRecord[]> {
  const ends = await topicEnds(brokers, topic);
  const pending = new Map([...ends].filter(([p, end]) => BigInt(end) > BigInt(from.get(p) ?? '0')));
  const records: TopicRecord[] = [];
  if (pending.size === 0) return records;
  const consumer = client(brokers).consumer({ groupId: `bench-chaos-audit-${randomUUID()}`, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const key = message.key?.toString() ?? '';
        if (keep(key)) records.push({ partition, offset: message.offset, key, ...describe(message.value?.toString() ?? '') });
        const end = pending.get(partition);
        if (end !== undefined && BigInt(message.offset) + 1n >= BigInt(end)) pending.delete(partition);
        if (pending.size === 0) finish();
      },
    });
    for (const p of pending.keys()) consumer.seek({ topic, partition: p, offset: from.get(p) ?? '0' });
    const timedOut = await Promise.race([finished.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), timeoutMs))]);
    if (timedOut) throw new Error(`reading ${topic} did not reach its end within ${timeoutMs / 1000}s (partitions left: ${[...pending.keys()].join(', ')})`);
    return records;
  } finally {
    await consumer.disconnect();
  }
}

function describe(value: string): Pick<TopicRecord, 'eventId' | 'eventType' | 'about'> {
  try {
    const e = JSON.parse(value) as { eventId?: string; eventType?: string; payload?: { orderItemId?: string; caseId?: string } };
    return { eventId: e.eventId, eventType: e.eventType, about: e.payload?.orderItemId ?? e.payload?.caseId };
  } catch {
    return { eventId: undefined, eventType: undefined, about: undefined };
  }
}

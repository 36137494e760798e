// Every record on every topic of the stack's Kafka, from the beginning: key, value and headers,
// searched for every pattern of the canary.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { hitsIn, type Canary } from './plant.ts';
import { excerpt, type ScanHit } from './scan-logs.ts';

export interface KafkaScan {
  readonly topics: number;
  readonly records: number;
  readonly recordsPerTopic: Readonly<Record<string, number>>;
  readonly hits: ScanHit[];
}

export async function scanKafka(brokers: readonly string[], canary: Canary, timeoutMs = 300_000): Promise<KafkaScan> {
  const kafka = new Kafka({ clientId: `bench-canary-${randomUUID().slice(0, 8)}`, brokers: [...brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
  // where each partition ends now: the scan reads up to there
  const ends = new Map<string, bigint>();
  for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) if (BigInt(p.high) > BigInt(p.low)) ends.set(`${topic}/${p.partition}`, BigInt(p.high));
  await admin.disconnect();
  const recordsPerTopic: Record<string, number> = Object.fromEntries(topics.map((t) => [t, 0]));
  const hits: ScanHit[] = [];
  if (ends.size === 0) return { topics: topics.length, records: 0, recordsPerTopic, hits };
  const consumer = kafka.consumer({ groupId: `bench-canary-${randomUUID()}`, allowAutoTopicCreation: false, maxBytes: 10 * 1024 * 1024 });
  await consumer.connect();
  const pending = new Set(ends.keys());
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          recordsPerTopic[batch.topic] = (recordsPerTopic[batch.topic] ?? 0) + 1;
          const headers = Object.entries(m.headers ?? {}).map(([k, v]) => `${k}=${Buffer.isBuffer(v) ? v.toString('utf8') : String(v)}`).join(' ');
          const text = `${m.key?.toString('utf8') ?? ''} ${m.value?.toString('utf8') ?? ''} ${headers}`;
          for (const hit of hitsIn(text, canary)) hits.push({ place: `${batch.topic}/${batch.partition}@${m.offset}`, form: hit.form, excerpt: excerpt(text, hit.text) });
          const key = `${batch.topic}/${batch.partition}`;
          if (BigInt(m.offset) + 1n >= (ends.get(key) ?? 0n)) pending.delete(key);
        }
        if (pending.size === 0) finish();
      },
    });
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`Kafka scan: ${pending.size} partition(s) not read to their end within ${timeoutMs / 1000} s`)), timeoutMs))]);
  } finally {
    await consumer.disconnect();
  }
  return { topics: topics.length, records: Object.values(recordsPerTopic).reduce((n, v) => n + v, 0), recordsPerTopic, hits };
}

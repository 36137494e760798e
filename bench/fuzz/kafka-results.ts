// Bad provisioning results on Kafka: messages produced to the topic the farm consumes
// (provisioning.results.v1) — not JSON, not an object, another event type, the contract broken in
// a few places, huge, or well-formed for a request nobody made — each under a right or wrong
// signature. The farm's consumer must end each one parked or refused in the inbox, never handled
// (delivered to a fulfillment task). Each message is found afterwards by its event id or, for one
// without a usable id, by its position on the topic (the consumer's id for such messages).
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { PROVISIONING_RESULTS_TOPIC, SAMPLE_SERVICE_ORDER_STATUS_CHANGED } from '../../src/adapters/provisioning/result-event.ts';
import { positionId } from '../../src/events/inbox-consumer.ts';
import { mutate, mutation, notADocument, type Mutation } from './hostile.ts';
import { signatureCase, signatureHeaders, type SignatureCase } from './signing.ts';
import type { Tally } from './tally.ts';

export type ResultValue =
  | { readonly kind: 'unknown-request'; readonly status: string }
  | { readonly kind: 'other-type'; readonly eventType: string }
  | { readonly kind: 'mutated'; readonly mutations: readonly Mutation[] }
  | { readonly kind: 'other'; readonly text: string; readonly why: string };

export interface ResultCase {
  readonly value: ResultValue;
  readonly signature: SignatureCase;
}

export const resultCase: fc.Arbitrary<ResultCase> = fc.record({
  value: fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom('DONE', 'ERR', 'ACK', 'WEIRD').map((status) => ({ kind: 'unknown-request', status }) as const) },
    { weight: 1, arbitrary: fc.constantFrom('ServiceOrderCreated', '', 'serviceorderstatuschanged', 'ServiceOrderStatusChanged ').map((eventType) => ({ kind: 'other-type', eventType }) as const) },
    { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => ({ kind: 'mutated', mutations }) as const) },
    // Kafka's default message limit is 1 MB: keep the huge ones under it
    { weight: 2, arbitrary: notADocument.filter((d) => d.text.length < 900_000).map((d) => ({ kind: 'other', ...d }) as const) },
  ),
  signature: signatureCase,
});

export interface Produced {
  readonly input: ResultCase;
  readonly value: string;
  /** the ids the inbox may hold it under: its event id (when it has one) and its topic position */
  readonly ids: readonly string[];
}

function valueOf(c: ResultValue, runTag: string): { value: string; eventId: string | undefined } {
  const eventId = randomUUID();
  const base = { ...SAMPLE_SERVICE_ORDER_STATUS_CHANGED, eventId, occurredAt: new Date().toISOString(), provTxnRef: `${runTag}-kf-${eventId.slice(0, 8)}`, clientTxnRef: `provisioning:tenant-fuzz:${runTag}:ACTIVATE`, orderRef: `${runTag}-order`, itemRef: 'item-1' };
  switch (c.kind) {
    case 'unknown-request':
      return { value: JSON.stringify({ ...base, status: c.status }), eventId };
    case 'other-type':
      return { value: JSON.stringify({ ...base, eventType: c.eventType }), eventId };
    case 'mutated': {
      const doc = mutate(base, c.mutations) as { eventId?: unknown };
      return { value: JSON.stringify(doc), eventId: typeof doc.eventId === 'string' && doc.eventId !== '' ? doc.eventId : undefined };
    }
    case 'other':
      return { value: c.text, eventId: undefined };
  }
}

export class ResultProducer {
  private readonly producer: Producer;
  readonly produced: Produced[] = [];
  private readonly runTag: string;
  private readonly secret: string;
  private readonly toleranceS: number;

  private constructor(producer: Producer, o: { runTag: string; secret: string; toleranceS: number }) {
    this.producer = producer;
    this.runTag = o.runTag;
    this.secret = o.secret;
    this.toleranceS = o.toleranceS;
  }

  static async connect(brokers: readonly string[], o: { runTag: string; secret: string; toleranceS: number }): Promise<ResultProducer> {
    const producer = new Kafka({ clientId: `bench-fuzz-${o.runTag}`, brokers: [...brokers], logLevel: logLevel.NOTHING }).producer({ allowAutoTopicCreation: true });
    await producer.connect();
    return new ResultProducer(producer, o);
  }

  async produce(input: ResultCase): Promise<void> {
    const { value, eventId } = valueOf(input.value, this.runTag);
    const headers = signatureHeaders(input.signature, value, this.secret, this.toleranceS);
    const [meta] = await this.producer.send({ topic: PROVISIONING_RESULTS_TOPIC, acks: -1, messages: [{ key: `${this.runTag}-${randomUUID().slice(0, 8)}`, value, headers }] });
    const ids = [...(eventId ? [eventId] : []), ...(meta ? [positionId(PROVISIONING_RESULTS_TOPIC, meta.partition, meta.baseOffset ?? '0')] : [])];
    this.produced.push({ input, value, ids });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

const inboxRow = z.object({ event_id: z.string(), status: z.string(), note: z.string().nullable() });
/** Statuses that mean the message was dealt with without acting on it: parked (bad signature, broken contract, retries spent), ignored, failed. */
const REFUSED = /^(PARKED_|IGNORED_|FAILED_)/;

/**
 * Waits until every produced message has an inbox row (or the time is up), then records each one's
 * outcome: its inbox status, or "no inbox row". Handled (delivered to a task) is a violation; so is
 * a message the consumer left without a trace.
 */
export async function auditResults(db: DatabasePool, produced: readonly Produced[], tally: Tally, timeoutMs: number): Promise<{ readonly waitedMs: number }> {
  const started = Date.now();
  const ids = [...new Set(produced.flatMap((p) => p.ids))];
  let rows: z.infer<typeof inboxRow>[] = [];
  // until every message has its row, or none came for 20 s (a message the consumer cannot record
  // blocks its partition: what is behind it will not come), or the time is up
  let lastMissing = Number.POSITIVE_INFINITY;
  let lastChange = Date.now();
  for (;;) {
    rows = [...(await db.any(sql.type(inboxRow)`select event_id, status, last_error as note from inbox_event where event_id = any(${sql.array(ids, 'text')})`))];
    const found = new Set(rows.map((r) => r.event_id));
    const missing = produced.filter((p) => !p.ids.some((id) => found.has(id))).length;
    if (missing !== lastMissing) [lastMissing, lastChange] = [missing, Date.now()];
    if (missing === 0 || Date.now() - lastChange > 20_000 || Date.now() - started > timeoutMs) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const byId = new Map(rows.map((r) => [r.event_id, r]));
  for (const p of produced) {
    const row = p.ids.map((id) => byId.get(id)).find((r) => r !== undefined);
    if (!row) {
      tally.record('no inbox row');
      tally.violate('parked or refused with a reason', 'no inbox row for the message after the wait', { input: p.input, value: p.value.slice(0, 500), ids: p.ids });
      continue;
    }
    tally.record(row.status);
    const handled = row.status === 'PROCESSED' && /delivered to/i.test(row.note ?? '');
    if (handled) tally.violate('never handled', `PROCESSED: ${row.note}`, { input: p.input, value: p.value.slice(0, 500) });
    else if (!REFUSED.test(row.status) && row.status !== 'PROCESSED') tally.violate('parked or refused with a reason', `inbox status ${row.status}`, { input: p.input, value: p.value.slice(0, 500) });
  }
  return { waitedMs: Date.now() - started };
}

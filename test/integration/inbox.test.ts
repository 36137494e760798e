// The inbox on the real database: an event counts once however often it comes; one that cannot be
// handled yet is kept with its retry input and retried from the inbox with backoff, by one runner
// at a time, until it is handled or given up; one without retry input is left to redelivery.
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { claimDueInboxEvents, retryDueInboxEvents, type InboxRetryHandler } from '../../src/events/inbox-retries.ts';
import { RetryLater, receiveOnce, retryDelaySeconds, type InboxVerdict } from '../../src/events/inbox.ts';
import { RECORD_FAILURES_BEFORE_PARKING, positionId, startInboxConsumer } from '../../src/events/inbox-consumer.ts';
import type { ConsumeOptions, ConsumedMessage, MessageBus } from '../../src/events/message-bus.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { registerSecretValues } from '../../src/platform/redaction.ts';
import { listParkedInboxEvents, replayParkedInboxEvent } from '../../src/repositories/inbox-event.ts';

const quiet = createLogger('inbox-test', 'silent');
let db: DatabasePool;
const topic = `test:inbox-${randomUUID().slice(0, 8)}`;
const ours = sql.fragment`source_topic = ${topic}`;

beforeAll(async () => {
  db = await createDatabasePool(loadConfig(), 'inbox-test');
});
afterAll(async () => {
  await db.query(sql.unsafe`delete from inbox_event where source_topic = ${topic}`);
  await db.end();
});

const row = (eventId: string) =>
  db.one(sql.type(z.object({ status: z.string(), attempts: z.number(), due_in: z.number().nullable(), last_error: z.string().nullable() }))`
    select status, attempts, extract(epoch from next_attempt_at - now())::float8 as due_in, last_error from inbox_event where event_id = ${eventId}`);
const makeDue = (eventId: string) => db.query(sql.unsafe`update inbox_event set next_attempt_at = now() - interval '1 second' where event_id = ${eventId}`);

test('an event handled once is a duplicate ever after; its handler runs once', async () => {
  const eventId = randomUUID();
  let runs = 0;
  const handle = async (): Promise<InboxVerdict> => (runs++, { status: 'PROCESSED' });
  expect(await receiveOnce(db, { eventId, sourceTopic: topic }, handle)).toBe('PROCESSED');
  expect(await receiveOnce(db, { eventId, sourceTopic: topic }, handle)).toBe('duplicate');
  expect(runs).toBe(1);
});

test('without retry input, "not yet" throws RetryLater and the next delivery handles it', async () => {
  const eventId = randomUUID();
  await expect(receiveOnce(db, { eventId, sourceTopic: topic }, async () => ({ status: 'retry-later', note: 'not yet' }))).rejects.toBeInstanceOf(RetryLater);
  expect(await row(eventId)).toMatchObject({ status: 'FAILED_RETRYABLE', attempts: 1, due_in: null, last_error: 'not yet' });
  expect(await receiveOnce(db, { eventId, sourceTopic: topic }, async (attempt) => ({ status: 'PROCESSED', note: `attempt ${attempt}` }))).toBe('PROCESSED');
  expect(await row(eventId)).toMatchObject({ status: 'PROCESSED', attempts: 2, last_error: 'attempt 2' });
});

test('a handler that throws is recorded as retryable with its message', async () => {
  const eventId = randomUUID();
  await expect(receiveOnce(db, { eventId, sourceTopic: topic }, async () => { throw new Error('database said no'); })).rejects.toBeInstanceOf(RetryLater);
  expect(await row(eventId)).toMatchObject({ status: 'FAILED_RETRYABLE', last_error: 'database said no' });
});

test('with retry input, "not yet" is kept and retried from the inbox with growing backoff until handled', async () => {
  const eventId = randomUUID();
  const kind = `test-${randomUUID()}`;
  const handledOnAttempt = 3;
  const inputsSeen: unknown[] = [];
  const handler: InboxRetryHandler = (r) => {
    inputsSeen.push(r.retryInput);
    return receiveOnce(db, { eventId: r.eventId, sourceTopic: r.sourceTopic, retryInput: r.retryInput }, async (attempt) =>
      attempt < handledOnAttempt ? { status: 'retry-later', note: `attempt ${attempt}: not yet` } : { status: 'PROCESSED', note: 'handled' });
  };

  const first = await receiveOnce(db, { eventId, sourceTopic: topic, retryInput: { kind, n: 7 } }, async () => ({ status: 'retry-later', note: 'attempt 1: not yet' }));
  expect(first).toBe('FAILED_RETRYABLE');
  const afterFirst = await row(eventId);
  expect(afterFirst.due_in).toBeGreaterThan(retryDelaySeconds(1) - 1);
  expect(afterFirst.due_in).toBeLessThanOrEqual(retryDelaySeconds(1));

  // not due yet: nothing to retry
  expect(await retryDueInboxEvents(db, { [kind]: handler }, quiet, { scope: ours })).toBe(0);

  await makeDue(eventId);
  expect(await retryDueInboxEvents(db, { [kind]: handler }, quiet, { scope: ours })).toBe(1);
  const afterSecond = await row(eventId);
  expect(afterSecond).toMatchObject({ status: 'FAILED_RETRYABLE', attempts: 2, last_error: 'attempt 2: not yet' });
  expect(afterSecond.due_in).toBeGreaterThan(retryDelaySeconds(2) - 1);

  await makeDue(eventId);
  expect(await retryDueInboxEvents(db, { [kind]: handler }, quiet, { scope: ours })).toBe(1);
  expect(await row(eventId)).toMatchObject({ status: 'PROCESSED', attempts: 3, due_in: null, last_error: 'handled' });
  expect(inputsSeen).toEqual([{ kind, n: 7 }, { kind, n: 7 }]);
  await makeDue(eventId);
  expect(await retryDueInboxEvents(db, { [kind]: handler }, quiet, { scope: ours })).toBe(0);
});

test('a due event is claimed by one runner at a time (leased), and by another once the lease ends', async () => {
  const eventId = randomUUID();
  await receiveOnce(db, { eventId, sourceTopic: topic, retryInput: { kind: 'test-lease' } }, async () => ({ status: 'retry-later', note: 'not yet' }));
  await makeDue(eventId);
  const claims = await Promise.all([claimDueInboxEvents(db, 10, ours), claimDueInboxEvents(db, 10, ours), claimDueInboxEvents(db, 10, ours)]);
  expect(claims.flat().map((r) => r.eventId)).toEqual([eventId]);
  expect((await row(eventId)).due_in).toBeGreaterThan(25);
  await makeDue(eventId);
  expect((await claimDueInboxEvents(db, 10, ours)).map((r) => r.eventId)).toEqual([eventId]);
});

test('a retry input no handler knows is left alone, not retried in a loop', async () => {
  const eventId = randomUUID();
  await receiveOnce(db, { eventId, sourceTopic: topic, retryInput: { kind: 'from-a-newer-version' } }, async () => ({ status: 'retry-later', note: 'not yet' }));
  await makeDue(eventId);
  expect(await retryDueInboxEvents(db, {}, quiet, { scope: ours })).toBe(1);
  expect(await row(eventId)).toMatchObject({ status: 'FAILED_RETRYABLE', attempts: 1 });
  expect((await row(eventId)).due_in).toBeGreaterThan(25);
});

test('backoff doubles and is capped at a minute', () => {
  expect([1, 2, 3, 4, 5, 6, 7, 20].map(retryDelaySeconds)).toEqual([2, 4, 8, 16, 32, 60, 60, 60]);
});

describe('the retry cap (INBOX_MAX_ATTEMPTS)', () => {
  const limits = { maxAttempts: 3 };
  const canary = `canary-inbox-${randomUUID()}`;
  beforeAll(() => registerSecretValues([canary]));

  test('a handler that always throws is retried from the inbox up to the cap, then parked with its redacted error, and never claimed again', async () => {
    const eventId = randomUUID();
    const kind = `test-${randomUUID()}`;
    let runs = 0;
    const failing = async (): Promise<InboxVerdict> => {
      runs++;
      throw new Error(`provider said no (token ${canary})`);
    };
    const handler: InboxRetryHandler = (r) => receiveOnce(db, { eventId: r.eventId, sourceTopic: r.sourceTopic, retryInput: r.retryInput }, failing, limits);

    expect(await receiveOnce(db, { eventId, sourceTopic: topic, retryInput: { kind } }, failing, limits)).toBe('FAILED_RETRYABLE');
    for (let attempt = 2; attempt <= limits.maxAttempts; attempt++) {
      await makeDue(eventId);
      expect(await retryDueInboxEvents(db, { [kind]: handler }, quiet, { scope: ours })).toBe(1);
    }
    const parked = await row(eventId);
    expect(parked).toMatchObject({ status: 'PARKED_RETRIES_EXHAUSTED', attempts: limits.maxAttempts, due_in: null });
    expect(parked.last_error).toContain('provider said no');
    expect(parked.last_error).not.toContain(canary);
    expect(runs).toBe(limits.maxAttempts);

    // not picked up again, however long one waits; a redelivery is a duplicate
    await makeDue(eventId);
    expect(await retryDueInboxEvents(db, { [kind]: handler }, quiet, { scope: ours })).toBe(0);
    expect(await receiveOnce(db, { eventId, sourceTopic: topic }, failing, limits)).toBe('duplicate');
    expect(runs).toBe(limits.maxAttempts);
  });

  test('without retry input (left to redelivery) the cap parks it too: RetryLater until the last attempt', async () => {
    const eventId = randomUUID();
    const failing = async (): Promise<InboxVerdict> => {
      throw new Error('still broken');
    };
    for (let attempt = 1; attempt < limits.maxAttempts; attempt++) {
      await expect(receiveOnce(db, { eventId, sourceTopic: topic }, failing, limits)).rejects.toBeInstanceOf(RetryLater);
    }
    expect(await receiveOnce(db, { eventId, sourceTopic: topic }, failing, limits)).toBe('PARKED_RETRIES_EXHAUSTED');
    expect(await row(eventId)).toMatchObject({ status: 'PARKED_RETRIES_EXHAUSTED', attempts: limits.maxAttempts });
    expect(await receiveOnce(db, { eventId, sourceTopic: topic }, failing, limits)).toBe('duplicate');
  });

  test('a retry handler that throws before the inbox counts it is counted by the retry loop and parked at the cap', async () => {
    const eventId = randomUUID();
    const kind = `test-${randomUUID()}`;
    const broken: InboxRetryHandler = async () => {
      throw new Error('retry input unreadable');
    };
    expect(await receiveOnce(db, { eventId, sourceTopic: topic, retryInput: { kind } }, async () => ({ status: 'retry-later', note: 'not yet' }), limits)).toBe('FAILED_RETRYABLE');
    for (let attempt = 2; attempt <= limits.maxAttempts; attempt++) {
      await makeDue(eventId);
      expect(await retryDueInboxEvents(db, { [kind]: broken }, quiet, { scope: ours, limits })).toBe(1);
    }
    expect(await row(eventId)).toMatchObject({ status: 'PARKED_RETRIES_EXHAUSTED', attempts: limits.maxAttempts, due_in: null });
    await makeDue(eventId);
    expect(await retryDueInboxEvents(db, { [kind]: broken }, quiet, { scope: ours, limits })).toBe(0);
  });

  test('parked events are listed for an operator, and one with its retry input can be replayed', async () => {
    const eventId = randomUUID();
    const kind = `test-${randomUUID()}`;
    const failing = async (): Promise<InboxVerdict> => {
      throw new Error('broken for now');
    };
    await receiveOnce(db, { eventId, sourceTopic: topic, retryInput: { kind } }, failing, { maxAttempts: 1 });
    expect((await listParkedInboxEvents(db, 500)).find((p) => p.eventId === eventId)).toMatchObject({ status: 'PARKED_RETRIES_EXHAUSTED', attempts: 1, sourceTopic: topic });
    expect(await replayParkedInboxEvent(db, eventId)).toBe(true);
    const handled: InboxRetryHandler = (r) => receiveOnce(db, { eventId: r.eventId, sourceTopic: r.sourceTopic, retryInput: r.retryInput }, async () => ({ status: 'PROCESSED' }), limits);
    expect(await retryDueInboxEvents(db, { [kind]: handled }, quiet, { scope: ours })).toBe(1);
    expect(await row(eventId)).toMatchObject({ status: 'PROCESSED', attempts: 1 });
    expect(await replayParkedInboxEvent(db, eventId)).toBe(false);
  });
});

test('a message carrying NUL (which PostgreSQL cannot store) is recorded with U+FFFD, not refused by the database and redelivered forever', async () => {
  const eventId = `nul-${randomUUID()}`;
  const status = await receiveOnce(db, { eventId, sourceTopic: topic, payload: { raw: '{"status":"DONE\u0000"}', 'key\u0000': 1 } }, async () => ({ status: 'PARKED_CONTRACT_VIOLATION', note: 'bad\u0000note' }));
  expect(status).toBe('PARKED_CONTRACT_VIOLATION');
  const stored = await db.one(sql.type(z.object({ payload: z.unknown(), note: z.string().nullable() }))`select payload, last_error as note from inbox_event where event_id = ${eventId}`);
  expect(JSON.stringify(stored.payload)).not.toContain('\\u0000');
  expect(stored.payload).toEqual({ raw: '{"status":"DONE\uFFFD"}', 'key\uFFFD': 1 });
});

test('a message that cannot even be recorded is parked by its position after a few deliveries, so the partition moves on', async () => {
  // the bus port driven by hand: what is under test is the consumer's answer to a refused write
  let consume: ConsumeOptions | undefined;
  const bus: MessageBus = { ensureTopics: async () => {}, producer: async () => ({ send: async () => {} }) as never, consume: async (options) => ((consume = options), { close: async () => {} }) };
  await startInboxConsumer({
    bus, db, log: quiet, topic, groupId: 'test', describes: 'test event',
    verify: () => ({ ok: true }),
    decode: () => ({ kind: 'result' }),
    deliver: async () => {
      throw new Error('JSON payload must be a primitive value or a plain object');
    },
  });
  const msg: ConsumedMessage = { topic, partition: 0, offset: String(Date.now()), key: 'k', value: '{}' };
  const deliveries: ('ok' | 'again')[] = [];
  for (let delivery = 1; delivery <= RECORD_FAILURES_BEFORE_PARKING; delivery++) {
    deliveries.push(await consume!.handle(msg).then(() => 'ok' as const, () => 'again' as const));
  }
  expect(deliveries).toEqual([...Array(RECORD_FAILURES_BEFORE_PARKING - 1).fill('again'), 'ok']);
  const parked = await row(positionId(topic, 0, msg.offset));
  expect(parked.status).toBe('PARKED_CONTRACT_VIOLATION');
  expect(parked.last_error).toContain('could not be recorded after 3 deliveries: Error: JSON payload must be');
}, 20_000);

// The inbox on the real database: an event counts once however often it comes; one that cannot be
// handled yet is kept with its retry input and retried from the inbox with backoff, by one runner
// at a time, until it is handled or given up; one without retry input is left to redelivery.
import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { z } from 'zod';
import { claimDueInboxEvents, retryDueInboxEvents, type InboxRetryHandler } from '../../src/events/inbox-retries.ts';
import { RetryLater, receiveOnce, retryDelaySeconds, type InboxVerdict } from '../../src/events/inbox.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createDatabasePool, type DatabasePool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';

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

// outbox_event: an event is a row written in the same transaction (or statement) as the state
// change it announces, so the two commit together or not at all; the relay publishes it afterwards.
// Every SQL text naming the table is here: the farm's writes, and the relay's reads and marks.
import { storableJsonb } from '../platform/storable-text.ts';
import type pg from 'pg';
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';

export interface OutboxEvent {
  readonly topic: string;
  /** Kafka key: the order id, so one order's events keep their order */
  readonly key: string;
  readonly envelope: { readonly eventId: string; readonly eventType: string; readonly eventVersion: string } & Readonly<Record<string, unknown>>;
}

/** The insert of one outbox row, as a fragment (alone, or as a CTE of a bigger statement). */
export const outboxInsert = (e: OutboxEvent): FragmentSqlToken => sql.fragment`
  insert into outbox_event (event_id, event_type, event_version, topic, message_key, envelope)
  values (${e.envelope.eventId}, ${e.envelope.eventType}, ${e.envelope.eventVersion}, ${e.topic}, ${e.key}, ${storableJsonb(e.envelope as never)})`;

/**
 * The insert of one outbox row that happens only when `gate` (the name of an earlier CTE of the
 * same statement) returned a row: the event is written exactly when the change it announces is.
 */
export const outboxInsertWhen = (gate: string, e: OutboxEvent): FragmentSqlToken => sql.fragment`
  insert into outbox_event (event_id, event_type, event_version, topic, message_key, envelope)
  select ${e.envelope.eventId}, ${e.envelope.eventType}, ${e.envelope.eventVersion}, ${e.topic}, ${e.key}, ${storableJsonb(e.envelope as never)}
  where exists (select 1 from ${sql.identifier([gate])})`;

/**
 * An outbox row whose envelope takes its correlationId from column `correlation_id` of CTE
 * `source` (the order row the same statement read), written only when `condition` holds.
 */
export const outboxInsertCorrelatedBy = (source: string, condition: FragmentSqlToken, e: OutboxEvent): FragmentSqlToken => sql.fragment`
  insert into outbox_event (event_id, event_type, event_version, topic, message_key, envelope)
  select ${e.envelope.eventId}, ${e.envelope.eventType}, ${e.envelope.eventVersion}, ${e.topic}, ${e.key},
    ${storableJsonb(e.envelope as never)} || jsonb_build_object('correlationId', s.correlation_id)
  from ${sql.identifier([source])} s where ${condition}`;

export async function appendToOutbox(db: CommonQueryMethods, e: OutboxEvent): Promise<void> {
  await db.query(sql.unsafe`${outboxInsert(e)}`);
}

// ---- the relay (src/events/relay.ts) ----

/** outbox_seq is a bigserial: slonik's int8 parser gives a BigInt, kept as text for the relay's marks */
const unpublishedRow = z.object({ outbox_seq: z.bigint().transform(String), topic: z.string(), message_key: z.string(), envelope: z.unknown(), event_type: z.string() });
export type UnpublishedOutboxRow = z.infer<typeof unpublishedRow>;

/** The oldest rows not yet published, in commit order. */
export async function unpublishedOutboxRows(db: CommonQueryMethods, limit: number): Promise<readonly UnpublishedOutboxRow[]> {
  return db.any(sql.type(unpublishedRow)`
    select outbox_seq, topic, message_key, envelope, event_type from outbox_event
    where published_at is null order by outbox_seq limit ${limit}`);
}

export async function markOutboxPublished(db: CommonQueryMethods, outboxSeqs: readonly string[]): Promise<void> {
  await db.query(sql.unsafe`update outbox_event set published_at = now(), publish_attempts = publish_attempts + 1, last_error = null where outbox_seq = any(${sql.array([...outboxSeqs], 'int8')})`);
}

/** Deletes rows published longer ago than `retentionMs`; returns how many. */
export async function prunePublishedOutbox(db: CommonQueryMethods, retentionMs: number): Promise<number> {
  return (await db.query(sql.unsafe`delete from outbox_event where published_at < now() - make_interval(secs => ${retentionMs / 1000})`)).rowCount;
}

/** Notes a failed publication on the oldest unpublished row (what an operator sees first). */
export async function recordOutboxPublishFailure(db: CommonQueryMethods, error: string): Promise<void> {
  await db.query(sql.unsafe`
    update outbox_event set publish_attempts = publish_attempts + 1, last_error = ${error.slice(0, 500)}
    where outbox_seq = (select min(outbox_seq) from outbox_event where published_at is null)`);
}

/**
 * The relay's own connection (plain pg, for LISTEN): takes the advisory lock that makes one relay
 * the publisher, and listens for new rows (a trigger notifies channel outbox_event).
 */
export async function takeRelayLock(client: pg.Client, lock: number): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [lock]);
  return rows[0]?.locked === true;
}

export async function listenForOutboxRows(client: pg.Client): Promise<void> {
  await client.query('listen outbox_event');
}

/** Fails when the relay's connection (and with it the lock) is gone. */
export async function checkRelayConnection(client: pg.Client): Promise<void> {
  await client.query('select 1');
}

// ---- the operator's order page ----

const orderEventRow = z.object({
  outbox_seq: z.bigint().transform(String),
  event_id: z.string(),
  event_type: z.string(),
  event_version: z.string(),
  topic: z.string(),
  occurred_at: z.string().nullable(),
  payload: z.unknown().nullable(),
  // timestamptz: slonik's type parser gives epoch milliseconds
  created_at: z.number(),
  published_at: z.number().nullable(),
  publish_attempts: z.number(),
  last_error: z.string().nullable(),
});
export type OrderEventRow = z.infer<typeof orderEventRow>;

/**
 * The events of an order still in the outbox (Kafka key = order id), in commit order: published
 * ones are pruned after the relay's retention.
 */
export async function outboxEventsOfOrder(db: CommonQueryMethods, orderId: string, limit: number): Promise<readonly OrderEventRow[]> {
  return db.any(sql.type(orderEventRow)`
    select outbox_seq, event_id, event_type, event_version, topic, envelope ->> 'occurredAt' as occurred_at, envelope -> 'payload' as payload,
      created_at, published_at, publish_attempts, last_error
    from outbox_event where message_key = ${orderId} order by outbox_seq limit ${limit}`);
}

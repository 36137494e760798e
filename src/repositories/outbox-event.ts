// outbox_event: an event is a row written in the same transaction (or statement) as the state
// change it announces, so the two commit together or not at all; the relay publishes it afterwards.
// Every SQL text of the farm's writes to the table is here (the relay's reads stay in src/events/relay.ts for now).
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';

export interface OutboxEvent {
  readonly topic: string;
  /** Kafka key: the order id, so one order's events keep their order */
  readonly key: string;
  readonly envelope: { readonly eventId: string; readonly eventType: string; readonly eventVersion: string } & Readonly<Record<string, unknown>>;
}

/** The insert of one outbox row, as a fragment (alone, or as a CTE of a bigger statement). */
export const outboxInsert = (e: OutboxEvent): FragmentSqlToken => sql.fragment`
  insert into outbox_event (event_id, event_type, event_version, topic, message_key, envelope)
  values (${e.envelope.eventId}, ${e.envelope.eventType}, ${e.envelope.eventVersion}, ${e.topic}, ${e.key}, ${sql.jsonb(e.envelope as never)})`;

/**
 * The insert of one outbox row that happens only when `gate` (the name of an earlier CTE of the
 * same statement) returned a row: the event is written exactly when the change it announces is.
 */
export const outboxInsertWhen = (gate: string, e: OutboxEvent): FragmentSqlToken => sql.fragment`
  insert into outbox_event (event_id, event_type, event_version, topic, message_key, envelope)
  select ${e.envelope.eventId}, ${e.envelope.eventType}, ${e.envelope.eventVersion}, ${e.topic}, ${e.key}, ${sql.jsonb(e.envelope as never)}
  where exists (select 1 from ${sql.identifier([gate])})`;

export async function appendToOutbox(db: CommonQueryMethods, e: OutboxEvent): Promise<void> {
  await db.query(sql.unsafe`${outboxInsert(e)}`);
}

// The outbox: an event is a row written in the same transaction as the state change it announces,
// so the two commit together or not at all; the relay publishes it afterwards.
import { sql, type CommonQueryMethods } from 'slonik';

export interface OutboxEvent {
  readonly topic: string;
  /** Kafka key: the order id, so one order's events keep their order */
  readonly key: string;
  readonly envelope: { readonly eventId: string; readonly eventType: string; readonly eventVersion: string } & Readonly<Record<string, unknown>>;
}

export async function appendToOutbox(db: CommonQueryMethods, e: OutboxEvent): Promise<void> {
  await db.query(sql.unsafe`
    insert into outbox_event (event_id, event_type, event_version, topic, message_key, envelope)
    values (${e.envelope.eventId}, ${e.envelope.eventType}, ${e.envelope.eventVersion}, ${e.topic}, ${e.key}, ${sql.jsonb(e.envelope as never)})`);
}

// Announces a state change: the lifecycle event goes into the outbox in the caller's transaction.
import type { CommonQueryMethods } from 'slonik';
import { fulfillmentEvent, lifecycleRecord, type FulfillmentEventInput, type FulfillmentEventType } from './event-schemas.ts';
import { appendToOutbox } from './outbox.ts';

export async function emit<T extends FulfillmentEventType>(db: CommonQueryMethods, type: T, input: FulfillmentEventInput<T>): Promise<void> {
  await appendToOutbox(db, lifecycleRecord(fulfillmentEvent(type, input)));
}

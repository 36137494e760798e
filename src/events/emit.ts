// Announces a state change: the lifecycle event goes into the outbox in the caller's transaction,
// or, as a fragment, in the caller's statement.
import type { CommonQueryMethods, FragmentSqlToken } from 'slonik';
import { fulfillmentEvent, lifecycleRecord, type FulfillmentEventInput, type FulfillmentEventType } from './event-schemas.ts';
import { appendToOutbox, outboxInsertCorrelatedBy, outboxInsertWhen } from './outbox.ts';

/** what the core names when it announces (the schemas themselves stay with the plumbing) */
export type { FulfillmentEventInput, FulfillmentEventType };

export async function emit<T extends FulfillmentEventType>(db: CommonQueryMethods, type: T, input: FulfillmentEventInput<T>): Promise<void> {
  await appendToOutbox(db, lifecycleRecord(fulfillmentEvent(type, input)));
}

/** The event as a CTE of a bigger statement, written only when CTE `gate` returned a row. */
export function emitWhen<T extends FulfillmentEventType>(gate: string, type: T, input: FulfillmentEventInput<T>): FragmentSqlToken {
  return outboxInsertWhen(gate, lifecycleRecord(fulfillmentEvent(type, input)));
}

/**
 * The event as a CTE whose correlation id is read by the same statement (column correlation_id of
 * CTE `source`), written only when `condition` holds. The envelope is validated with a stand-in
 * correlation id, replaced in SQL.
 */
export function emitCorrelatedBy<T extends FulfillmentEventType>(source: string, condition: FragmentSqlToken, type: T, input: Omit<FulfillmentEventInput<T>, 'correlationId'>): FragmentSqlToken {
  return outboxInsertCorrelatedBy(source, condition, lifecycleRecord(fulfillmentEvent(type, { ...input, correlationId: 'from-the-order-row' } as FulfillmentEventInput<T>)));
}

// The outbox: an event is a row written in the same transaction as the state change it announces;
// the table's SQL is in src/repositories/outbox-event.ts.
export { appendToOutbox, outboxInsert, outboxInsertCorrelatedBy, outboxInsertWhen, type OutboxEvent } from '../repositories/outbox-event.ts';

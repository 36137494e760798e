// What the core hands the inbox plumbing (src/events) for provisioning results, wired by the
// composition root: a handler for a result event the provider's decoder has read, and the retry
// handler for results kept in the inbox. The plumbing knows neither; the core knows no Kafka.
import type { DatabasePool } from 'slonik';
import type { MessagePublisher } from '../ports/message-publisher.ts';
import type { ProvisioningResultEvent } from '../ports/provisioning-result-events.ts';
import { deliverProvisioningResult, PROVISIONING_RESULT_RETRY, redeliverProvisioningResult } from './result-inbox.ts';

/** The consumer group of the farm's provisioning-result consumer. */
export const PROVISIONING_RESULTS_GROUP = 'fulfillment-farm.provisioning-results';

/** Delivers a result event read from the provider's topic to the waiting order, through the inbox. */
export const deliverProvisioningResultEvent =
  (db: DatabasePool, messages: MessagePublisher) =>
  (event: Extract<ProvisioningResultEvent, { kind: 'result' }>, source: { readonly sourceTopic: string }) =>
    deliverProvisioningResult(db, messages, { eventId: event.eventId, eventType: 'ServiceOrderStatusChanged', sourceTopic: source.sourceTopic, channel: 'EVENT', result: event.result, snapshot: event.snapshot });

/** The farm's inbox retry handlers, by retry input kind (see src/events/inbox-retries.ts). */
export const inboxRetryHandlers = (db: DatabasePool, messages: MessagePublisher) => ({
  [PROVISIONING_RESULT_RETRY]: redeliverProvisioningResult(db, messages),
});

// Every message documented in contracts/asyncapi, by event type (the AsyncAPI message name): the
// zod schema a reader applies to the whole message, and valid samples. The farm's lifecycle events
// (src/events/event-schemas.ts) and the provisioning system's result message (its own format, read
// in src/adapters/provisioning/result-event.ts). Assembled here, where both may be imported; the
// contracts check keeps the documents and the code in step.
import type { z } from 'zod';
import { SAMPLE_SERVICE_ORDER_STATUS_CHANGED, SERVICE_ORDER_STATUS_CHANGED, serviceOrderStatusChangedMessage } from '../adapters/provisioning/result-event.ts';
import { LIFECYCLE_EVENT_SCHEMAS, LIFECYCLE_SAMPLE_EVENTS, type FulfillmentEventType } from '../events/event-schemas.ts';

type DocumentedEventType = FulfillmentEventType | typeof SERVICE_ORDER_STATUS_CHANGED;

export const EVENT_SCHEMAS: Readonly<Record<DocumentedEventType, z.ZodType>> = {
  ...LIFECYCLE_EVENT_SCHEMAS,
  [SERVICE_ORDER_STATUS_CHANGED]: serviceOrderStatusChangedMessage,
};

/** Event type → valid example messages (one each), for every schema in EVENT_SCHEMAS. */
export const SAMPLE_EVENTS: Readonly<Record<DocumentedEventType, readonly unknown[]>> = {
  ...LIFECYCLE_SAMPLE_EVENTS,
  [SERVICE_ORDER_STATUS_CHANGED]: [SAMPLE_SERVICE_ORDER_STATUS_CHANGED],
};

// The farm's lifecycle events on fulfillment.lifecycle.events.v1 (contracts/asyncapi/
// fulfillment-events.yaml): one payload shape per event type, the envelope around it
// (envelope.ts), a builder for producers and a reader for consumers. Every event is about one
// order: the Kafka key and subject.id are the orderId, so one order's events stay in order
// (seed 004 §12.1). Payloads carry ids and codes only: no e-mail addresses, credentials or card data.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EXTERNAL_SYSTEMS } from '../core/ports/external-result.ts';
import { CASE_SEVERITIES, MISMATCH_TYPES } from '../core/domain/case-vocabulary.ts';
import { EVENT_PRODUCER, EVENT_VERSION, ORDER_SUBJECT, producedEventSchema, readEnvelope, readEventSchema, scrubText, text, type ReadEvent } from './envelope.ts';

export const LIFECYCLE_TOPIC = 'fulfillment.lifecycle.events.v1';
/** Partitions the topic is created with (ordering is per order, so more only spreads load). */
export const LIFECYCLE_TOPIC_PARTITIONS = 3;

const orderId = text;
/** Free text for people (why an order stopped); never personal data, see envelope.ts. */
const reason = z.string().min(1).max(1_000);

/** Payload fields per event type (all required unless optional()). */
const PAYLOADS = {
  FulfillmentStarted: { orderId, tenantId: text, customerAccountId: text, itemCount: z.int().min(1) },
  InventoryReserved: { orderId, orderItemId: text, reservationId: text },
  InventoryReleased: { orderId, orderItemId: text, reservationId: text },
  ServiceProvisioned: { orderId, orderItemId: text, providerRequestId: text, serviceInstanceId: text },
  ServiceProvisioningFailed: { orderId, orderItemId: text, providerRequestId: text, reason },
  BillingActivated: { orderId, subscriptionId: text, billingReference: text },
  CustomerNotified: { orderId, notificationId: text, templateCode: text },
  OrderFulfilled: { orderId },
  OrderRejected: { orderId, reason: reason.optional() },
  OrderFalloutRaised: { orderId, reason: reason.optional() },
  OrderCancelled: { orderId, reason: reason.optional() },
  ReconciliationCaseOpened: { orderId, caseId: text, systemCode: z.enum(EXTERNAL_SYSTEMS), mismatchType: z.enum(MISMATCH_TYPES), severity: z.enum(CASE_SEVERITIES) },
  // resolution is the case's own text (e.g. "REPAIRED: …"); decidedBy an operator's user id
  ReconciliationCaseResolved: { orderId, caseId: text, resolution: z.string().min(1).max(1_000), decidedBy: text.optional() },
} as const;

type Payloads = typeof PAYLOADS;
export type FulfillmentEventType = keyof Payloads;
export const EVENT_TYPES = Object.keys(PAYLOADS) as readonly FulfillmentEventType[];

type ReadSchemas = { readonly [T in FulfillmentEventType]: ReturnType<typeof readEventSchema<T, Payloads[T]>> };
type ProducedSchemas = { readonly [T in FulfillmentEventType]: ReturnType<typeof producedEventSchema<T, Payloads[T]>> };

function perType<S>(build: (type: FulfillmentEventType) => S): Record<FulfillmentEventType, S> {
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, build(type)])) as Record<FulfillmentEventType, S>;
}

/** Whole events as consumers read them (unknown fields tolerated). */
export const LIFECYCLE_EVENT_SCHEMAS = perType((type) => readEventSchema(type, PAYLOADS[type])) as unknown as ReadSchemas;
/** Whole events as the farm produces them (exactly the documented fields). */
export const PRODUCED_EVENT_SCHEMAS = perType((type) => producedEventSchema(type, PAYLOADS[type])) as unknown as ProducedSchemas;

/** An event as produced: exactly its fields. */
export type FulfillmentEvent<T extends FulfillmentEventType = FulfillmentEventType> = { [K in T]: z.output<ProducedSchemas[K]> }[T];
/** An event as read: its fields, plus whatever a newer producer added. */
export type ReadFulfillmentEvent<T extends FulfillmentEventType = FulfillmentEventType> = { [K in T]: z.output<ReadSchemas[K]> }[T];
export type EventPayload<T extends FulfillmentEventType> = FulfillmentEvent<T>['payload'];

export interface FulfillmentEventInput<T extends FulfillmentEventType> {
  readonly orderId: string;
  /** the flow this event belongs to (the order's correlation id) */
  readonly correlationId: string;
  /** what caused it: the command, job or event id */
  readonly causationId: string;
  /** the payload; orderId may be left out (it is the subject) but must match when given */
  readonly payload: Omit<EventPayload<T>, 'orderId'> & { readonly orderId?: string };
  /** default: now */
  readonly occurredAt?: Date | string;
}

/** Masks card numbers and e-mail addresses a free-text field picked up (a provider's error text). */
function scrubbed(payload: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, typeof v === 'string' ? scrubText(v) : v]));
}

/**
 * A lifecycle event with a fresh eventId, checked against the produced schema (throws a ZodError
 * naming the field when the payload breaks the contract: a programming error, not a runtime case).
 */
export function fulfillmentEvent<T extends FulfillmentEventType>(eventType: T, input: FulfillmentEventInput<T>): FulfillmentEvent<T> {
  const occurredAt = input.occurredAt ?? new Date();
  const event = {
    eventId: randomUUID(),
    eventType,
    eventVersion: EVENT_VERSION,
    occurredAt: typeof occurredAt === 'string' ? occurredAt : occurredAt.toISOString(),
    producer: EVENT_PRODUCER,
    subject: { type: ORDER_SUBJECT, id: input.orderId },
    correlationId: input.correlationId,
    causationId: input.causationId,
    payload: scrubbed({ orderId: input.orderId, ...input.payload }),
  };
  return (PRODUCED_EVENT_SCHEMAS[eventType] as z.ZodType).parse(event) as FulfillmentEvent<T>;
}

/** Where a lifecycle event goes: its topic, and the order id as key (seed 004 §12.1). */
export function lifecycleRecord<T extends FulfillmentEventType>(event: FulfillmentEvent<T>): { readonly topic: typeof LIFECYCLE_TOPIC; readonly key: string; readonly envelope: FulfillmentEvent<T> } {
  return { topic: LIFECYCLE_TOPIC, key: event.subject.id, envelope: event };
}

export function isFulfillmentEventType(value: string): value is FulfillmentEventType {
  return Object.hasOwn(PAYLOADS, value);
}

/** One message value of the lifecycle topic, read tolerantly (see ReadEvent in envelope.ts). */
export function readFulfillmentEvent(value: string): ReadEvent<ReadFulfillmentEvent> {
  return readEnvelope(value, LIFECYCLE_EVENT_SCHEMAS as unknown as Readonly<Record<string, z.ZodType<ReadFulfillmentEvent>>>);
}

// ---- samples: one valid event per type (contracts check, tests, documentation) ----

const SAMPLE_ORDER = 'ORD-1001';

function sample<T extends FulfillmentEventType>(eventType: T, eventId: string, payload: Omit<EventPayload<T>, 'orderId'>): FulfillmentEvent<T> {
  return {
    eventId,
    eventType,
    eventVersion: EVENT_VERSION,
    occurredAt: '2026-07-02T10:15:30.000Z',
    producer: EVENT_PRODUCER,
    subject: { type: ORDER_SUBJECT, id: SAMPLE_ORDER },
    correlationId: 'corr-ORD-1001',
    causationId: 'job-2251799813685249',
    payload: { orderId: SAMPLE_ORDER, ...payload },
  } as FulfillmentEvent<T>;
}

const LIFECYCLE_SAMPLES: { readonly [T in FulfillmentEventType]: FulfillmentEvent<T> } = {
  FulfillmentStarted: sample('FulfillmentStarted', '0b6f1c9e-3d2a-4e8b-9f71-5c2d8a6e4b01', { tenantId: 'tenant-1', customerAccountId: 'CUST-1001', itemCount: 2 }),
  InventoryReserved: sample('InventoryReserved', '0b6f1c9e-3d2a-4e8b-9f71-5c2d8a6e4b02', { orderItemId: 'ITEM-1', reservationId: 'RSV-7C1D2E3F4A5B' }),
  InventoryReleased: sample('InventoryReleased', '0b6f1c9e-3d2a-4e8b-9f71-5c2d8a6e4b03', { orderItemId: 'ITEM-1', reservationId: 'RSV-7C1D2E3F4A5B' }),
  ServiceProvisioned: sample('ServiceProvisioned', '0b6f1c9e-3d2a-4e8b-9f71-5c2d8a6e4b04', { orderItemId: 'ITEM-1', providerRequestId: 'PTX-4F2A9C1B7E3D', serviceInstanceId: 'SVC-8A7B6C5D4E3F' }),
  ServiceProvisioningFailed: sample('ServiceProvisioningFailed', '0b6f1c9e-3d2a-4e8b-9f71-5c2d8a6e4b05', { orderItemId: 'ITEM-2', providerRequestId: 'PTX-5E3B0D2C8F4E', reason: 'provider reported a failure (SPEC_FAILED: service specification SPEC-FAIL-1 could not be provisioned)' }),
  BillingActivated: sample('BillingActivated', '0b6f1c9e-3d2a-4e8b-9f71-5c2d8a6e4b06', { subscriptionId: 'SUB-1001', billingReference: 'BSR-3C4D5E6F7A8B' }),
  CustomerNotified: sample('CustomerNotified', '0b6f1c9e-3d2a-4e8b-9f71-5c2d8a6e4b07', { notificationId: 'MSG-1A2B3C4D5E6F', templateCode: 'ORDER_COMPLETED' }),
  OrderFulfilled: sample('OrderFulfilled', '0b6f1c9e-3d2a-4e8b-9f71-5c2d8a6e4b08', {}),
  OrderRejected: sample('OrderRejected', '0b6f1c9e-3d2a-4e8b-9f71-5c2d8a6e4b09', { reason: 'customer account CUST-1001 is suspended' }),
  OrderFalloutRaised: sample('OrderFalloutRaised', '0b6f1c9e-3d2a-4e8b-9f71-5c2d8a6e4b0a', { reason: 'billing refused the activation (BIL-ERR-7781)' }),
  OrderCancelled: sample('OrderCancelled', '0b6f1c9e-3d2a-4e8b-9f71-5c2d8a6e4b0b', {}),
  ReconciliationCaseOpened: sample('ReconciliationCaseOpened', '0b6f1c9e-3d2a-4e8b-9f71-5c2d8a6e4b0c', { caseId: '9d2e4f6a-1b3c-4d5e-8f7a-6b5c4d3e2f10', systemCode: 'BILLING', mismatchType: 'AMBIGUOUS_OUTCOME', severity: 'HIGH' }),
  ReconciliationCaseResolved: sample('ReconciliationCaseResolved', '0b6f1c9e-3d2a-4e8b-9f71-5c2d8a6e4b0d', { caseId: '9d2e4f6a-1b3c-4d5e-8f7a-6b5c4d3e2f10', resolution: 'REPAIRED: external system had executed the request', decidedBy: 'reconciler' }),
};

/** Event type → valid example messages (one each) of the lifecycle events (see src/main/event-catalogue.ts). */
export const LIFECYCLE_SAMPLE_EVENTS = Object.fromEntries(EVENT_TYPES.map((type) => [type, [LIFECYCLE_SAMPLES[type]]])) as unknown as Readonly<Record<FulfillmentEventType, readonly unknown[]>>;

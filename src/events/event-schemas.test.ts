import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SERVICE_ORDER_STATUS_CHANGED } from '../adapters/provisioning/result-event.ts';
import { EVENT_SCHEMAS, SAMPLE_EVENTS } from '../main/event-catalogue.ts';
import {
  EVENT_TYPES,
  LIFECYCLE_EVENT_SCHEMAS,
  LIFECYCLE_TOPIC,
  PRODUCED_EVENT_SCHEMAS,
  fulfillmentEvent,
  lifecycleRecord,
  readFulfillmentEvent,
  type EventPayload,
  type FulfillmentEventType,
} from './event-schemas.ts';

type Json = Record<string, any>;
const sampleOf = (type: FulfillmentEventType): Json => SAMPLE_EVENTS[type][0] as Json;
const issuesOf = (schema: z.ZodType, value: unknown): string[] => {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('the registry', () => {
  it('has the thirteen lifecycle types, plus the provider message of the other AsyncAPI document', () => {
    expect(EVENT_TYPES).toHaveLength(13);
    expect(Object.keys(EVENT_SCHEMAS).sort()).toEqual([...EVENT_TYPES, SERVICE_ORDER_STATUS_CHANGED].sort());
    expect(Object.keys(SAMPLE_EVENTS).sort()).toEqual(Object.keys(EVENT_SCHEMAS).sort());
  });

  it.each(Object.keys(EVENT_SCHEMAS))('%s: its sample is valid', (type) => {
    const samples = SAMPLE_EVENTS[type as keyof typeof SAMPLE_EVENTS];
    expect(samples).toHaveLength(1);
    for (const sample of samples) expect(issuesOf(EVENT_SCHEMAS[type as keyof typeof EVENT_SCHEMAS], sample)).toEqual([]);
  });

  it.each(EVENT_TYPES)('%s: its sample is exactly what a producer may send', (type) => {
    expect(issuesOf(PRODUCED_EVENT_SCHEMAS[type], sampleOf(type))).toEqual([]);
  });
});

describe('the envelope', () => {
  const sample = sampleOf('InventoryReserved');

  it('payload.orderId must equal subject.id, when read and when produced', () => {
    const mismatched = { ...sample, payload: { ...sample.payload, orderId: 'ORD-OTHER' } };
    expect(issuesOf(EVENT_SCHEMAS.InventoryReserved, mismatched)).toEqual(['payload.orderId: must equal subject.id']);
    expect(issuesOf(PRODUCED_EVENT_SCHEMAS.InventoryReserved, mismatched)).toEqual(['payload.orderId: must equal subject.id']);
  });

  it.each([
    ['eventId not a uuid', { eventId: 'evt-1' }, 'eventId'],
    ['another eventType', { eventType: 'InventoryReleased' }, 'eventType'],
    ['another eventVersion', { eventVersion: '2.0' }, 'eventVersion'],
    ['occurredAt without offset', { occurredAt: '2026-07-02T10:15:30' }, 'occurredAt'],
    ['another producer', { producer: 'billing' }, 'producer'],
    ['a subject that is not an order', { subject: { type: 'customer', id: 'ORD-1001' } }, 'subject.type'],
    ['no correlationId', { correlationId: undefined }, 'correlationId'],
    ['an empty causationId', { causationId: '' }, 'causationId'],
    ['a payload without a required field', { payload: { orderId: 'ORD-1001', orderItemId: 'ITEM-1' } }, 'payload.reservationId'],
  ])('refuses %s', (_what, change, field) => {
    const issues = issuesOf(EVENT_SCHEMAS.InventoryReserved, { ...sample, ...change });
    expect(issues.some((i) => i.startsWith(`${field}:`))).toBe(true);
  });

  it('accepts an offset other than Z', () => {
    expect(issuesOf(EVENT_SCHEMAS.InventoryReserved, { ...sample, occurredAt: '2026-07-02T12:15:30+02:00' })).toEqual([]);
  });

  it('refuses enum values the contract does not list', () => {
    const opened = sampleOf('ReconciliationCaseOpened');
    expect(issuesOf(EVENT_SCHEMAS.ReconciliationCaseOpened, { ...opened, payload: { ...opened.payload, severity: 'URGENT' } })).toEqual([expect.stringMatching(/^payload\.severity:/)]);
  });
});

describe('reading tolerates unknown fields; producing does not', () => {
  const sample = sampleOf('ServiceProvisioned');
  const extended = { ...sample, traceparent: '00-abc', subject: { ...sample.subject, tenantId: 'tenant-1' }, payload: { ...sample.payload, region: 'north' } };

  it('a reader accepts and keeps them', () => {
    const parsed = EVENT_SCHEMAS.ServiceProvisioned.safeParse(extended);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toEqual(extended);
  });

  it('the produced schema refuses each of them', () => {
    expect(issuesOf(PRODUCED_EVENT_SCHEMAS.ServiceProvisioned, extended)).toHaveLength(3);
  });
});

describe('fulfillmentEvent() (producer side)', () => {
  const base = { correlationId: 'corr-1', causationId: 'job-1' };
  /** the sample's payload without its orderId: what a service hands the builder */
  const payloadOf = <T extends FulfillmentEventType>(type: T) => {
    const { orderId: _orderId, ...rest } = sampleOf(type).payload as Json;
    return rest as Omit<EventPayload<T>, 'orderId'>;
  };

  it('keeps an order id whose digits look like a card number (the payload is scrubbed, the id must survive)', () => {
    const orderId = 'ord-85898008-9117-4901-85af-61ba321fed61';
    const event = fulfillmentEvent('OrderFulfilled', { ...base, orderId, payload: {} });
    expect([event.subject.id, event.payload.orderId]).toEqual([orderId, orderId]);
  });

  it.each(EVENT_TYPES)('%s: builds an event both the reader and the producer contract accept', (type) => {
    const orderId = `ORD-${randomUUID()}`;
    const event = fulfillmentEvent(type, { ...base, orderId, payload: payloadOf(type) });
    expect(issuesOf(EVENT_SCHEMAS[type], event)).toEqual([]);
    expect(issuesOf(PRODUCED_EVENT_SCHEMAS[type], event)).toEqual([]);
    expect(event).toMatchObject({ eventType: type, eventVersion: '1.0', producer: 'fulfillment-farm', subject: { type: 'order', id: orderId }, payload: { orderId }, ...base });
  });

  it('gives every event a fresh uuid and the current time with an offset', () => {
    const before = Date.now();
    const events = [1, 2, 3].map(() => fulfillmentEvent('OrderFulfilled', { ...base, orderId: 'ORD-1', payload: {} }));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
    for (const e of events) {
      expect(e.occurredAt).toMatch(/Z$/);
      expect(Date.parse(e.occurredAt)).toBeGreaterThanOrEqual(before - 1);
    }
    expect(fulfillmentEvent('OrderFulfilled', { ...base, orderId: 'ORD-1', payload: {}, occurredAt: new Date('2026-01-02T03:04:05Z') }).occurredAt).toBe('2026-01-02T03:04:05.000Z');
  });

  it('is keyed by the order id on the lifecycle topic (the partition key is payload.orderId)', () => {
    const event = fulfillmentEvent('InventoryReserved', { ...base, orderId: 'ORD-7', payload: { orderItemId: 'ITEM-1', reservationId: 'RSV-1' } });
    const record = lifecycleRecord(event);
    expect(record).toEqual({ topic: LIFECYCLE_TOPIC, key: 'ORD-7', envelope: event });
    expect(record.topic).toBe('fulfillment.lifecycle.events.v1');
    expect(record.key).toBe(event.payload.orderId);
  });

  it('throws when the payload names another order or misses a field', () => {
    expect(() => fulfillmentEvent('OrderFulfilled', { ...base, orderId: 'ORD-1', payload: { orderId: 'ORD-2' } })).toThrow(/subject\.id/);
    expect(() => fulfillmentEvent('BillingActivated', { ...base, orderId: 'ORD-1', payload: { subscriptionId: 'SUB-1' } as never })).toThrow(/billingReference/);
  });

  it('masks e-mail addresses and card numbers a free-text field picked up', () => {
    const event = fulfillmentEvent('OrderFalloutRaised', { ...base, orderId: 'ORD-1', payload: { reason: 'billing refused ann@example.com, card 4111 1111 1111 1111' } });
    expect(event.payload.reason).toBe('billing refused <redacted-email>, card ****1111');
  });

  it('the produced contract refuses personal data built by hand', () => {
    const rejected = sampleOf('OrderRejected');
    expect(issuesOf(PRODUCED_EVENT_SCHEMAS.OrderRejected, { ...rejected, payload: { ...rejected.payload, reason: 'ask ann@example.com' } })).toEqual(['payload.reason: must not contain an e-mail address']);
    expect(issuesOf(PRODUCED_EVENT_SCHEMAS.OrderRejected, { ...rejected, payload: { ...rejected.payload, reason: 'card 4111111111111111' } })).toEqual(['payload.reason: must not contain a card number']);
  });
});

describe('readFulfillmentEvent() (consumer side)', () => {
  const sample = sampleOf('CustomerNotified');

  it('reads a valid event, unknown fields included', () => {
    const extended = { ...sample, addedLater: true };
    expect(readFulfillmentEvent(JSON.stringify(extended))).toEqual({ kind: 'event', event: extended });
  });

  it('reports an event type it does not know, without failing', () => {
    expect(readFulfillmentEvent(JSON.stringify({ ...sample, eventType: 'OrderArchived' }))).toEqual({ kind: 'unsupported-type', eventId: sample.eventId, eventType: 'OrderArchived' });
    // inherited property names are not event types
    expect(readFulfillmentEvent(JSON.stringify({ ...sample, eventType: 'toString' }))).toMatchObject({ kind: 'unsupported-type' });
  });

  it.each([
    ['not JSON', '{', 'not JSON'],
    ['not an object', '[]', 'not a JSON object'],
    ['no eventType', JSON.stringify({ ...sample, eventType: undefined }), 'eventType'],
    ['a known type breaking its contract', JSON.stringify({ ...sample, payload: { orderId: 'ORD-1001' } }), 'payload.notificationId'],
    ['subject and payload naming different orders', JSON.stringify({ ...sample, subject: { type: 'order', id: 'ORD-2' } }), 'must equal subject.id'],
  ])('%s is a contract violation', (_what, value, problem) => {
    expect(readFulfillmentEvent(value)).toMatchObject({ kind: 'contract-violation', problem: expect.stringContaining(problem) });
  });

  it('the lifecycle reader does not read the provider message', () => {
    expect(Object.keys(LIFECYCLE_EVENT_SCHEMAS)).not.toContain(SERVICE_ORDER_STATUS_CHANGED);
    expect(readFulfillmentEvent(JSON.stringify(SAMPLE_EVENTS.ServiceOrderStatusChanged[0]))).toMatchObject({ kind: 'unsupported-type', eventType: SERVICE_ORDER_STATUS_CHANGED });
  });
});

// The AsyncAPI check before events exist (skipped, not failed) and with a synthetic AsyncAPI
// document and event registry: agreeing, then with a field removed from the document, a sample
// that breaks the payload, and an event the document does not have.
import { z } from 'zod';
import { asyncapiEvents, checkAsyncApiEvents } from './checks/asyncapi-events.ts';
import { DriftFixture, lines } from './testing/drift-fixture.ts';

const DOC = 'contracts/asyncapi/order-events.yaml';
const ASYNCAPI = `asyncapi: 3.0.0
info: { title: Order events, version: 1.0.0 }
channels:
  orderLifecycle:
    address: fulfillment.order.lifecycle.v1
    messages:
      OrderCompleted:
        $ref: '#/components/messages/OrderCompleted'
components:
  messages:
    OrderCompleted:
      name: OrderCompleted
      payload:
        $ref: '#/components/schemas/OrderCompleted'
  schemas:
    OrderCompleted:
      type: object
      required: [eventId, eventType, occurredAt, orderId, orderStatus]
      properties:
        eventId: { type: string, format: uuid }
        eventType: { type: string, enum: [OrderCompleted] }
        occurredAt: { type: string, format: date-time }
        orderId: { type: string }
        orderStatus: { type: string, enum: [COMPLETED] }
        note: { type: string }
`;

const orderCompleted = z.object({
  eventId: z.uuid(),
  eventType: z.literal('OrderCompleted'),
  occurredAt: z.iso.datetime(),
  orderId: z.string(),
  orderStatus: z.literal('COMPLETED'),
  note: z.string().optional(),
});
const sample = { eventId: '2f1c7a4e-6a0b-4a8e-9d55-1c3b1f6f0e11', eventType: 'OrderCompleted', occurredAt: '2026-07-02T10:15:30Z', orderId: 'ord-1', orderStatus: 'COMPLETED' };
const registry = (extra: Record<string, z.ZodType> = {}, samples: unknown[] = [sample]) => ({ EVENT_SCHEMAS: { OrderCompleted: orderCompleted, ...extra }, SAMPLE_EVENTS: { OrderCompleted: samples } });

let fx: DriftFixture;
beforeEach(() => {
  fx = DriftFixture.create();
  fx.delete('contracts/asyncapi'); // only the synthetic document below
});
afterEach(() => fx.remove());

test('not yet present: skipped, not failed', async () => {
  const sources = { ...fx.sources, eventSchemasModule: fx.path('src/events/event-schemas.ts') };
  const r = await asyncapiEvents.run({ ...(await fx.inputs()), sources });
  expect(r).toMatchObject({ status: 'skipped', findings: [], note: expect.stringContaining('not yet present') });
});

test('an AsyncAPI document, zod schemas and samples that agree pass', async () => {
  fx.write(DOC, ASYNCAPI);
  const r = await checkAsyncApiEvents(fx.sources, registry());
  expect(lines(r.findings)).toEqual([]);
  expect(r.status).toBe('passed');
});

test('a field removed from the event in the document fails, naming document, event and field', async () => {
  fx.write(DOC, ASYNCAPI.replace('required: [eventId, eventType, occurredAt, orderId, orderStatus]', 'required: [eventId, eventType, occurredAt, orderStatus]').replace('        orderId: { type: string }\n', ''));
  const r = await checkAsyncApiEvents(fx.sources, registry());
  expect(lines(r.findings)).toEqual([expect.stringMatching(/contracts\/asyncapi\/order-events\.yaml \| OrderCompleted: orderId \| zod EVENT_SCHEMAS\.OrderCompleted accepts field orderId, .*order-events\.yaml OrderCompleted has no such field/)]);
});

test('a sample that breaks the payload, an event without samples and an undocumented event fail', async () => {
  fx.write(DOC, ASYNCAPI);
  const r = await checkAsyncApiEvents(fx.sources, registry({ OrderCancelled: z.object({ orderId: z.string() }) }, [{ ...sample, orderStatus: 'DONE' }]));
  expect(lines(r.findings)).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/src\/main\/event-catalogue\.ts \| SAMPLE_EVENTS\.OrderCompleted\[0\] \| fails the zod schema: orderStatus/),
      expect.stringMatching(/order-events\.yaml \| OrderCompleted: SAMPLE_EVENTS\[0\] \| sample fails the AsyncAPI payload: payload\.orderStatus: "DONE" is not one of \["COMPLETED"\]/),
      expect.stringMatching(/src\/main\/event-catalogue\.ts \| EVENT_SCHEMAS\.OrderCancelled \| event OrderCancelled is in no AsyncAPI document/),
    ]),
  );
});

test('AsyncAPI documents without the event registry fail (half a contract)', async () => {
  fx.write(DOC, ASYNCAPI);
  const r = await checkAsyncApiEvents({ ...fx.sources, eventSchemasModule: fx.path('src/events/event-schemas.ts') });
  expect(lines(r.findings)).toEqual(expect.arrayContaining([expect.stringMatching(/contracts\/asyncapi \| \(documents\) \| AsyncAPI documents exist, but .*event-schemas\.ts .* does not/)]));
});

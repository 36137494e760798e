// The farm's event envelope (seed 004 §7.1): the same outer fields for every event, whatever its
// type, so the relay, the inbox and anyone reading the topic route and deduplicate on them alone.
// Each event type is built twice from one payload shape:
//   read      loose objects: a consumer ignores fields it does not know (additive changes, §12.3)
//   produced  strict objects: the farm sends exactly the documented fields and nothing personal
// Both insist that payload.orderId is subject.id (§7.1: duplicated on purpose, so they must match).
import { z } from 'zod';
import { redactText } from '../platform/redaction.ts';

export const EVENT_VERSION = '1.0';
export const EVENT_PRODUCER = 'fulfillment-farm';
export const ORDER_SUBJECT = 'order';

/** A non-empty identifier or code. */
export const text = z.string().min(1);

/** Every lifecycle event is about one order; its payload names it as well. */
export interface OrderPayloadShape extends z.ZodRawShape {
  readonly orderId: typeof text;
}

const envelopeFields = {
  eventId: z.uuid(),
  eventVersion: z.literal(EVENT_VERSION),
  // with an offset (Z or ±hh:mm): a local time without one means nothing to another system
  occurredAt: z.iso.datetime({ offset: true }),
  producer: z.literal(EVENT_PRODUCER),
  correlationId: text,
  causationId: text,
};

const sameOrder = (e: { readonly subject: { readonly id: string }; readonly payload: object }): boolean => 'orderId' in e.payload && e.payload.orderId === e.subject.id;
const sameOrderIssue = { message: 'must equal subject.id', path: ['payload', 'orderId'] };

/** The whole event as consumers read it: unknown fields anywhere are tolerated and kept. */
export function readEventSchema<T extends string, S extends OrderPayloadShape>(eventType: T, payload: S) {
  return z
    .looseObject({
      eventId: envelopeFields.eventId,
      eventType: z.literal(eventType),
      eventVersion: envelopeFields.eventVersion,
      occurredAt: envelopeFields.occurredAt,
      producer: envelopeFields.producer,
      subject: z.looseObject({ type: z.literal(ORDER_SUBJECT), id: text }),
      correlationId: envelopeFields.correlationId,
      causationId: envelopeFields.causationId,
      payload: z.looseObject(payload),
    })
    .refine(sameOrder, sameOrderIssue);
}

/** The whole event as the farm produces it: exactly the documented fields, nothing personal. */
export function producedEventSchema<T extends string, S extends OrderPayloadShape>(eventType: T, payload: S) {
  return z
    .strictObject({
      eventId: envelopeFields.eventId,
      eventType: z.literal(eventType),
      eventVersion: envelopeFields.eventVersion,
      occurredAt: envelopeFields.occurredAt,
      producer: envelopeFields.producer,
      subject: z.strictObject({ type: z.literal(ORDER_SUBJECT), id: text }),
      correlationId: envelopeFields.correlationId,
      causationId: envelopeFields.causationId,
      payload: z.strictObject(payload).superRefine(refusePersonalData),
    })
    .refine(sameOrder, sameOrderIssue);
}

// Events outlive the order and travel to consumers we do not control: an e-mail address or a card
// number that slips into a free-text field (a provider's error text, a reason) must not leave.
const EMAIL_IN_TEXT = /[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}/g;
const maskEmails = (value: string): string => value.replace(EMAIL_IN_TEXT, '<redacted-email>');

/** Free text with e-mail addresses and card numbers masked (the producer's last line of defence). */
export function scrubText(value: string): string {
  return maskEmails(redactText(value));
}

function refusePersonalData(payload: Readonly<Record<string, unknown>>, ctx: z.RefinementCtx): void {
  for (const [field, value] of Object.entries(payload)) {
    if (typeof value !== 'string') continue;
    if (maskEmails(value) !== value) ctx.addIssue({ code: 'custom', path: [field], message: 'must not contain an e-mail address' });
    if (redactText(value) !== value) ctx.addIssue({ code: 'custom', path: [field], message: 'must not contain a card number' });
  }
}

/** What a consumer makes of one message value (a string off the topic). */
export type ReadEvent<E> =
  | { readonly kind: 'event'; readonly event: E }
  /** a well-formed envelope of a type this reader does not handle: ignore it, do not stop */
  | { readonly kind: 'unsupported-type'; readonly eventId?: string | undefined; readonly eventType: string }
  /** not JSON, no envelope, or a known type whose fields break the contract: park it */
  | { readonly kind: 'contract-violation'; readonly eventId?: string | undefined; readonly problem: string };

/** JSON text → a plain object, or why not. */
export function parseJsonObject(value: string): { readonly ok: true; readonly object: Record<string, unknown> } | { readonly ok: false; readonly problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { ok: false, problem: 'message value is not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, problem: 'message value is not a JSON object' };
  return { ok: true, object: parsed as Record<string, unknown> };
}

/** The fields zod refused, at most five, as one line for the inbox record. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`)
    .join('; ');
}

/** The event's own id when it has a usable one (so even a parked event is recorded under it). */
export function eventIdOf(object: Readonly<Record<string, unknown>>): string | undefined {
  return typeof object.eventId === 'string' && object.eventId !== '' ? object.eventId : undefined;
}

/**
 * Reads one message value against a table of schemas by eventType: unknown types are reported,
 * not failed, because new event types may be added to a topic (seed 004 §20.2).
 */
export function readEnvelope<E>(value: string, schemas: Readonly<Record<string, z.ZodType<E>>>): ReadEvent<E> {
  const json = parseJsonObject(value);
  if (!json.ok) return { kind: 'contract-violation', problem: json.problem };
  const eventId = eventIdOf(json.object);
  const eventType = json.object.eventType;
  if (typeof eventType !== 'string' || eventType === '') return { kind: 'contract-violation', eventId, problem: 'eventType: missing or not a string' };
  const schema = Object.hasOwn(schemas, eventType) ? schemas[eventType] : undefined;
  if (!schema) return { kind: 'unsupported-type', eventId, eventType };
  const parsed = schema.safeParse(json.object);
  return parsed.success ? { kind: 'event', event: parsed.data } : { kind: 'contract-violation', eventId, problem: describeIssues(parsed.error) };
}

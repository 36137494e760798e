// The provisioning system's result events on Kafka (topic provisioning.results.v1, key provTxnRef),
// read into our vocabulary: the same translation as its HTTP callback (mapper.ts), so a result
// means the same whichever way it arrives. Its field names and status codes stay in this folder.
//
// Reading is tolerant where the seed asks for it (004 §12.3): unknown fields are ignored, an event
// type we do not handle is reported (not failed), a status we do not know becomes
// UNKNOWN_REQUIRES_INVESTIGATION (status-mapping.ts). Anything else that breaks the message
// format is a contract violation, to be parked rather than retried.
import { z } from 'zod';
import { redact } from '../../platform/redaction.ts';
import { toInternalState } from './mapper.ts';
import type { ProvisioningResultDecoder, ProvisioningResultEvent } from '../../core/ports/provisioning-result-events.ts';

export type { ProvisioningResultEvent } from '../../core/ports/provisioning-result-events.ts';

export const PROVISIONING_RESULTS_TOPIC = 'provisioning.results.v1';
export const SERVICE_ORDER_STATUS_CHANGED = 'ServiceOrderStatusChanged';

const text = z.string().min(1);

/** The provider's message, as we read it (contracts/asyncapi/provisioning-results.yaml). */
export const serviceOrderStatusChangedMessage = z.looseObject({
  // any 8-4-4-4-12 hex id: the provider's ids need not be RFC 4122 version-4 to be unique
  eventId: z.guid(),
  eventType: z.literal(SERVICE_ORDER_STATUS_CHANGED),
  occurredAt: z.iso.datetime({ offset: true }),
  provTxnRef: text,
  clientTxnRef: text,
  orderRef: text,
  itemRef: text,
  // open text, like the status answer and the callback: unknown codes are mapped, not refused
  status: text,
  svcInstanceId: z.string().optional(),
  errCd: z.string().optional(),
  errMsg: z.string().optional(),
});
export type ServiceOrderStatusChangedMessage = z.output<typeof serviceOrderStatusChangedMessage>;

/** One message value of provisioning.results.v1 (the UTF-8 text of the Kafka record): the core's decoder port. */
export const readProvisioningResultEvent: ProvisioningResultDecoder = (value: string): ProvisioningResultEvent => {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return { kind: 'contract-violation', problem: 'message value is not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { kind: 'contract-violation', problem: 'message value is not a JSON object' };
  const message = json as Record<string, unknown>;
  const eventId = typeof message.eventId === 'string' && message.eventId !== '' ? message.eventId : undefined;
  if (typeof message.eventType !== 'string' || message.eventType === '') return { kind: 'contract-violation', eventId, problem: 'eventType: missing or not a string' };
  if (message.eventType !== SERVICE_ORDER_STATUS_CHANGED) return { kind: 'unsupported-type', eventId, eventType: message.eventType };

  const parsed = serviceOrderStatusChangedMessage.safeParse(message);
  if (!parsed.success) {
    return { kind: 'contract-violation', eventId, problem: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ') };
  }
  const m = parsed.data;
  return {
    kind: 'result',
    eventId: m.eventId,
    occurredAt: m.occurredAt,
    // the status answer's translation: the message carries the same fields (and ignores the rest)
    result: toInternalState({ provTxnRef: m.provTxnRef, clientTxnRef: m.clientTxnRef, orderRef: m.orderRef, itemRef: m.itemRef, status: m.status, svcInstanceId: m.svcInstanceId, errCd: m.errCd, errMsg: m.errMsg }),
    snapshot: redact(message),
  };
};

/** A valid message, for the contracts check and tests. */
export const SAMPLE_SERVICE_ORDER_STATUS_CHANGED: ServiceOrderStatusChangedMessage = {
  eventId: '6f1c2a4e-8d3b-4f7a-9c1e-2b5d7e9f0a13',
  eventType: SERVICE_ORDER_STATUS_CHANGED,
  occurredAt: '2026-07-02T10:15:30.123Z',
  provTxnRef: 'PTX-4F2A9C1B7E3D',
  clientTxnRef: 'provisioning:tenant-1:ORD-1001:ITEM-1:ACTIVATE',
  orderRef: 'ORD-1001',
  itemRef: 'ITEM-1',
  status: 'DONE',
  svcInstanceId: 'SVC-8A7B6C5D4E3F',
};

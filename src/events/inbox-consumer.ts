// Consumes a topic into the inbox. What a message means is not known here: the composition root
// hands over a decoder (the message's owner reads its format) and a handler (the core delivers
// what was read). Unknown event types, unknown fields and malformed messages never stop the
// consumer: each ends in its inbox status; an event that cannot be delivered yet is retried from the
// inbox, so the next message is not held up. Only a failure to record it at all (database away) has
// it delivered again. Every message is first checked by the verifier the composition root hands
// over (the producer's signature): one that fails is parked with the reason, never decoded.
import { BackendTerminatedError, BackendTerminatedUnexpectedlyError, ConnectionError, IdleTransactionTimeoutError, StatementCancelledError, StatementTimeoutError, type DatabasePool } from 'slonik';
import type { Logger } from '../platform/logger.ts';
import { RetryLater, receiveOnce, type InboxStatus } from './inbox.ts';
import type { BusConsumer, ConsumedMessage, MessageBus } from './message-bus.ts';

/** A message the decoder could not turn into an event to deliver. */
export type UndeliverableEvent =
  | { readonly kind: 'unsupported-type'; readonly eventId?: string | undefined; readonly eventType: string }
  | { readonly kind: 'contract-violation'; readonly eventId?: string | undefined; readonly problem: string };

/** Reads one message value (the UTF-8 text of the record) into an event, or says why it cannot. */
export type EventDecoder<E> = (value: string) => E | UndeliverableEvent;
/** Delivers one decoded event through the inbox; returns its inbox status. */
export type EventHandler<E> = (event: E, source: { readonly sourceTopic: string }) => Promise<InboxStatus | 'duplicate'>;

/** Checks a message before anything of it is read (its producer's signature); says why it fails. */
export type MessageVerifier = (message: ConsumedMessage) => { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly detail: string };

/** Events without an id of their own are identified by where they were read. */
export const positionId = (topic: string, partition: number, offset: string) => `${topic}/${partition}/${offset}`;

const undeliverable = (read: { readonly kind: string }): read is UndeliverableEvent => read.kind === 'unsupported-type' || read.kind === 'contract-violation';

export async function receiveMessage<E extends { readonly kind: string }>(db: DatabasePool, verify: MessageVerifier, decode: EventDecoder<E>, deliver: EventHandler<E>, msg: ConsumedMessage): Promise<string> {
  const verdict = verify(msg);
  if (!verdict.ok) {
    // identified by its position, not by the id it claims: an unsigned message must not take a real event's id
    const eventId = positionId(msg.topic, msg.partition, msg.offset);
    return receiveOnce(db, { eventId, sourceTopic: msg.topic, payload: { raw: msg.value.slice(0, 2_000) } }, async () => ({ status: 'PARKED_BAD_SIGNATURE', note: `signature ${verdict.reason}: ${verdict.detail}` }));
  }
  const read = decode(msg.value);
  const sourceTopic = msg.topic;
  if (!undeliverable(read)) return deliver(read as E, { sourceTopic });
  const eventId = read.eventId ?? positionId(msg.topic, msg.partition, msg.offset);
  if (read.kind === 'unsupported-type') {
    return receiveOnce(db, { eventId, eventType: read.eventType, sourceTopic }, async () => ({ status: 'IGNORED_UNSUPPORTED_TYPE', note: `event type ${read.eventType} is not one this consumer handles` }));
  }
  return receiveOnce(db, { eventId, sourceTopic, payload: { raw: msg.value.slice(0, 2_000) } }, async () => ({ status: 'PARKED_CONTRACT_VIOLATION', note: read.problem }));
}

export interface InboxConsumerOptions<E extends { readonly kind: string }> {
  readonly bus: MessageBus;
  readonly db: DatabasePool;
  readonly log: Logger;
  readonly topic: string;
  readonly groupId: string;
  /** what the events are, for the log: e.g. 'provisioning result' */
  readonly describes: string;
  readonly verify: MessageVerifier;
  readonly decode: EventDecoder<E>;
  readonly deliver: EventHandler<E>;
}

/** Deliveries of one message that failed to be recorded before it is parked by its position. */
export const RECORD_FAILURES_BEFORE_PARKING = 3;

/**
 * A message that cannot even be recorded (the database refuses something in it) would be delivered
 * again forever and hold up every message behind it on its partition. After a few failed tries it
 * is parked by its position, without its payload, with the reason; if that fails too (the database
 * is away) it is delivered again.
 */
async function parkUnrecordable(db: DatabasePool, msg: ConsumedMessage, err: unknown): Promise<InboxStatus | 'duplicate'> {
  const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return receiveOnce(db, { eventId: positionId(msg.topic, msg.partition, msg.offset), sourceTopic: msg.topic }, async () => ({ status: 'PARKED_CONTRACT_VIOLATION', note: `could not be recorded after ${RECORD_FAILURES_BEFORE_PARKING} deliveries: ${reason.slice(0, 500)}` }));
}

/** The database could not be asked at all: the message is not at fault, it waits for the database. */
const databaseAway = (err: unknown): boolean =>
  err instanceof ConnectionError || err instanceof BackendTerminatedError || err instanceof BackendTerminatedUnexpectedlyError || err instanceof StatementTimeoutError || err instanceof IdleTransactionTimeoutError || err instanceof StatementCancelledError;

export async function startInboxConsumer<E extends { readonly kind: string }>(o: InboxConsumerOptions<E>): Promise<BusConsumer> {
  const recordFailures = new Map<string, number>();
  return o.bus.consume({
    groupId: o.groupId,
    topics: [o.topic],
    handle: async (msg) => {
      const position = positionId(msg.topic, msg.partition, msg.offset);
      try {
        const status = await receiveMessage(o.db, o.verify, o.decode, o.deliver, msg);
        const where = { topic: msg.topic, partition: msg.partition, offset: msg.offset, inbox: status };
        if (status === 'PARKED_BAD_SIGNATURE') o.log.warn(where, `${o.describes} parked: its signature did not verify`);
        else if (status === 'PARKED_RETRIES_EXHAUSTED') o.log.error(where, `${o.describes} parked: its handling failed on every attempt`);
        else o.log.debug(where, `${o.describes} consumed`);
        recordFailures.delete(position);
      } catch (err) {
        const retry = err instanceof RetryLater;
        if (!retry && !databaseAway(err)) {
          const failures = (recordFailures.get(position) ?? 0) + 1;
          recordFailures.set(position, failures);
          if (failures >= RECORD_FAILURES_BEFORE_PARKING) {
            const parked = await parkUnrecordable(o.db, msg, err).catch(() => undefined);
            if (parked !== undefined) {
              recordFailures.delete(position);
              o.log.error({ topic: msg.topic, partition: msg.partition, offset: msg.offset, inbox: parked, err: (err as Error).message }, `${o.describes} parked: it could not be recorded`);
              return;
            }
          }
        }
        o.log[retry ? 'info' : 'warn']({ topic: msg.topic, partition: msg.partition, offset: msg.offset, err: (err as Error).message }, `${o.describes} not handled yet; it will be delivered again`);
        await new Promise((r) => setTimeout(r, 1_000));
        throw err;
      }
    },
  });
}

// Consumes the provisioning system's result events (provisioning.results.v1) into the inbox.
// Unknown event types, unknown fields and malformed messages never stop the consumer: each ends in
// its inbox status; a result that cannot be delivered yet is retried from the inbox, so the next
// message is not held up. Only a failure to record it at all (database away) has it delivered again.
import type { DatabasePool } from 'slonik';
import { PROVISIONING_RESULTS_TOPIC, readProvisioningResultEvent } from '../adapters/provisioning/result-event.ts';
import type { MessagePublisher } from '../core/ports/message-publisher.ts';
import type { Logger } from '../platform/logger.ts';
import { RetryLater, receiveOnce } from './inbox.ts';
import type { BusConsumer, ConsumedMessage, MessageBus } from './message-bus.ts';
import { deliverProvisioningResult, positionId } from '../core/provisioning-results/result-inbox.ts';

export const PROVISIONING_RESULTS_GROUP = 'fulfillment-farm.provisioning-results';

export async function handleProvisioningResultMessage(db: DatabasePool, messages: MessagePublisher, msg: ConsumedMessage): Promise<string> {
  const read = readProvisioningResultEvent(msg.value);
  const source = { sourceTopic: msg.topic };
  switch (read.kind) {
    case 'result':
      return deliverProvisioningResult(db, messages, { eventId: read.eventId, eventType: 'ServiceOrderStatusChanged', ...source, channel: 'EVENT', result: read.result, snapshot: read.snapshot });
    case 'unsupported-type':
      return receiveOnce(db, { eventId: read.eventId ?? positionId(msg.topic, msg.partition, msg.offset), eventType: read.eventType, ...source }, async () => ({ status: 'IGNORED_UNSUPPORTED_TYPE', note: `event type ${read.eventType} is not one this consumer handles` }));
    case 'contract-violation':
      return receiveOnce(db, { eventId: read.eventId ?? positionId(msg.topic, msg.partition, msg.offset), ...source, payload: { raw: msg.value.slice(0, 2_000) } }, async () => ({ status: 'PARKED_CONTRACT_VIOLATION', note: read.problem }));
  }
}

export async function startProvisioningResultsConsumer(deps: { bus: MessageBus; db: DatabasePool; messages: MessagePublisher; log: Logger; groupId?: string }): Promise<BusConsumer> {
  return deps.bus.consume({
    groupId: deps.groupId ?? PROVISIONING_RESULTS_GROUP,
    topics: [PROVISIONING_RESULTS_TOPIC],
    handle: async (msg) => {
      try {
        const status = await handleProvisioningResultMessage(deps.db, deps.messages, msg);
        deps.log.debug({ topic: msg.topic, offset: msg.offset, inbox: status }, 'provisioning result consumed');
      } catch (err) {
        const retry = err instanceof RetryLater;
        deps.log[retry ? 'info' : 'warn']({ topic: msg.topic, partition: msg.partition, offset: msg.offset, err: (err as Error).message }, 'provisioning result not handled yet; it will be delivered again');
        await new Promise((r) => setTimeout(r, 1_000));
        throw err;
      }
    },
  });
}

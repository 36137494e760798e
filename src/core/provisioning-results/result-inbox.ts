// A provisioning result, however it arrives (the provider's result event on Kafka, or its HTTP
// callback), goes through the inbox once and then to the waiting order. A result for a request we
// do not know yet (its acceptance may still be recording) is retried from the inbox a few times,
// with backoff, before it is given up as FAILED_PERMANENT; the order's status poll remains the
// backstop. Meanwhile the consumer goes on with the next message.
import { sql, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { PROVISIONING_STATUSES, type ProvisioningState } from '../ports/provisioning.ts';
import type { Clock } from '../ports/clock.ts';
import { handleProvisioningResult } from '../use-cases/provisioning-result.ts';
import type { MessagePublisher } from '../ports/message-publisher.ts';
import {
  handleReceivedInboxEvent,
  inboxReceipt,
  rearmKeptInboxEvents,
  receiveInboxEventFragment,
  type DueInboxEventRow,
  type InboxEntry,
  type InboxStatus,
} from '../../repositories/inbox-event.ts';
import { provisioningTaskColumns, provisioningTaskLookup, toProvisioningTask, type ProvisioningTask } from './result-record.ts';

export const UNKNOWN_REQUEST_ATTEMPTS = 5;

export interface ProvisioningResultDelivery {
  readonly eventId: string;
  readonly eventType: string;
  readonly sourceTopic: string;
  readonly channel: 'CALLBACK' | 'EVENT';
  readonly result: Pick<ProvisioningState, 'providerRequestId' | 'status' | 'serviceInstanceId' | 'failureReason'>;
  readonly snapshot: unknown;
}

/** The retry input kept in the inbox: enough to deliver the result again (the snapshot is the payload). */
export const PROVISIONING_RESULT_RETRY = 'provisioning-result';
const retryInput = z.object({
  kind: z.literal(PROVISIONING_RESULT_RETRY),
  channel: z.enum(['CALLBACK', 'EVENT']),
  result: z.object({ providerRequestId: z.string(), status: z.enum(PROVISIONING_STATUSES), serviceInstanceId: z.string().optional(), failureReason: z.string().optional() }),
});

/**
 * Round trips on the success path: the inbox receive with the task lookup (one statement), the
 * result's record (one), the engine publish, the inbox row marked processed (one).
 */
export async function deliverProvisioningResult(db: DatabasePool, messages: MessagePublisher, d: ProvisioningResultDelivery, clock?: Clock): Promise<InboxStatus | 'duplicate'> {
  const retry: z.infer<typeof retryInput> = { kind: PROVISIONING_RESULT_RETRY, channel: d.channel, result: withoutUndefined(d.result) };
  const entry: InboxEntry = { eventId: d.eventId, eventType: d.eventType, sourceTopic: d.sourceTopic, subjectId: d.result.providerRequestId, payload: d.snapshot, retryInput: retry };
  const { receipt, task } = await receiveWithTask(db, entry, d.result.providerRequestId);
  return handleReceivedInboxEvent(db, entry, receipt, async (attempt) => {
    const handled = await handleProvisioningResult(db, messages, { ...d.result, channel: d.channel, rawSnapshot: d.snapshot }, { known: { task }, ...(clock ? { clock } : {}) });
    switch (handled.kind) {
      case 'published':
        return { status: 'PROCESSED', note: `${handled.status} delivered to fulfillment task ${handled.fulfillmentTaskId}` };
      case 'not-final':
        return { status: 'PROCESSED', note: `status ${d.result.status} is not final; nothing to deliver` };
      case 'unknown-request':
        return attempt < UNKNOWN_REQUEST_ATTEMPTS
          ? { status: 'retry-later', note: `no fulfillment task knows provider request ${d.result.providerRequestId} yet` }
          : { status: 'FAILED_PERMANENT', note: `no fulfillment task knows provider request ${d.result.providerRequestId} after ${attempt} deliveries` };
    }
  });
}

/** Records the delivery in the inbox and finds the task it answers, in one statement. */
async function receiveWithTask(db: DatabasePool, entry: InboxEntry, providerRequestId: string): Promise<{ receipt: z.infer<typeof inboxReceipt>; task: ProvisioningTask | null }> {
  const row = await db.one(sql.type(inboxReceipt.extend(provisioningTaskColumns.shape))`
    with received as (${receiveInboxEventFragment(entry)})
    select received.status, received.attempts, received.inserted, task.*
    from received left join (${provisioningTaskLookup(providerRequestId)}) task on true`);
  return { receipt: { status: row.status, attempts: row.attempts, inserted: row.inserted }, task: toProvisioningTask(row) };
}

/** Delivers a result kept in the inbox again (see inbox-retries.ts). */
export function redeliverProvisioningResult(db: DatabasePool, messages: MessagePublisher) {
  return async (row: DueInboxEventRow): Promise<InboxStatus | 'duplicate'> => {
    const input = retryInput.parse(row.retryInput);
    return deliverProvisioningResult(db, messages, { eventId: row.eventId, eventType: row.eventType ?? 'unknown', sourceTopic: row.sourceTopic, channel: input.channel, result: input.result, snapshot: row.payload });
  };
}

/**
 * Makes the kept results of a provider request due again at once — also those given up as unknown:
 * the caller has just recorded the request on its fulfillment task (a submission's answer, or a
 * reconciliation repair, in the caller's transaction), so they can now be delivered. Only a
 * provisioning request has results to keep; for any other system this does nothing.
 */
export async function rearmProvisioningResults(db: CommonQueryMethods, system: string, providerRequestId: string | undefined): Promise<number> {
  if (system !== 'PROVISIONING' || !providerRequestId) return 0;
  return rearmKeptInboxEvents(db, providerRequestId, PROVISIONING_RESULT_RETRY);
}

const withoutUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Events without an id of their own are identified by where they were read. */
export const positionId = (topic: string, partition: number, offset: string) => `${topic}/${partition}/${offset}`;

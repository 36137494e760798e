// A provisioning request's final result, however it arrives (callback, result event, status poll):
// recorded once on the attempt and the fulfillment task, and handed to the waiting process as the
// ProvisioningCompleted message. The message id is the task's, so a result delivered twice (or by
// two channels) reaches the process once.
//
// Round trips: the task lookup (which the inbox may fold into its receive statement), then ONE
// statement recording the result (task state, attempt result, evidence, outbox event), then the
// publish. The record comes before the publish so that the process never runs ahead of it; a
// publish that fails leaves the result to be delivered again (the record is then a repeat).
import type { DatabasePool } from 'slonik';
import type { ProvisioningStatus } from '../ports/provisioning.ts';
import type { Clock } from '../ports/clock.ts';
import { MESSAGES } from '../domain/bpmn-errors.ts';
import type { MessagePublisher } from '../ports/message-publisher.ts';
import { systemClock } from '../../platform/clock.ts';
import { emitWhen } from '../../events/emit.ts';
import { findProvisioningTask, MOVED, recordProvisioningResult, type ProvisioningTask } from '../provisioning-results/result-record.ts';

export type { ProvisioningTask };

export interface ProvisioningResult {
  readonly providerRequestId: string;
  readonly status: ProvisioningStatus;
  readonly serviceInstanceId?: string | undefined;
  readonly failureReason?: string | undefined;
  /** how the result arrived, for the evidence */
  readonly channel: 'CALLBACK' | 'EVENT' | 'POLL';
  readonly rawSnapshot?: unknown;
}

export type ResultHandling =
  | { readonly kind: 'published'; readonly fulfillmentTaskId: string; readonly status: 'SUCCEEDED' | 'FAILED' }
  | { readonly kind: 'not-final'; readonly fulfillmentTaskId: string }
  | { readonly kind: 'unknown-request' };

/** How long a result waits in the engine for its receive task (it may arrive before the task is entered). */
export const RESULT_MESSAGE_TTL_MS = 60 * 60_000;

export interface ResultHandlingOptions {
  /** the task the result answers, when the caller has already looked it up (null: none knows it) */
  readonly known?: { readonly task: ProvisioningTask | null };
  readonly clock?: Clock;
}

export async function handleProvisioningResult(db: DatabasePool, messages: MessagePublisher, r: ProvisioningResult, o: ResultHandlingOptions = {}): Promise<ResultHandling> {
  const task = o.known ? o.known.task : await findProvisioningTask(db, r.providerRequestId);
  if (!task) return { kind: 'unknown-request' };
  if (r.status !== 'SUCCEEDED' && r.status !== 'FAILED') return { kind: 'not-final', fulfillmentTaskId: task.fulfillmentTaskId };
  const status = r.status;

  // first final result wins; a repeat only adds evidence. The lifecycle event is written only if
  // this result moves the task (MOVED names the record statement's task update).
  const base = { orderId: task.orderId, correlationId: task.correlationId, causationId: `provisioning-result:${r.providerRequestId}:${r.channel.toLowerCase()}`, occurredAt: (o.clock ?? systemClock).now() };
  const orderItemId = task.orderItemId ?? '';
  const announcement =
    task.taskType !== 'ACTIVATE_SERVICE'
      ? undefined
      : status === 'SUCCEEDED'
        ? emitWhen(MOVED, 'ServiceProvisioned', { ...base, payload: { orderItemId, providerRequestId: r.providerRequestId, serviceInstanceId: r.serviceInstanceId ?? '' } })
        : emitWhen(MOVED, 'ServiceProvisioningFailed', { ...base, payload: { orderItemId, providerRequestId: r.providerRequestId, reason: r.failureReason ?? 'provisioning failed' } });
  await recordProvisioningResult(db, task, { ...r, status }, announcement);

  if (task.taskType === 'ACTIVATE_SERVICE') {
    await messages.publish({
      name: MESSAGES.provisioningCompleted,
      correlationKey: task.fulfillmentTaskId,
      messageId: `provisioning-result:${task.fulfillmentTaskId}`,
      variables: { provisioningStatus: status, serviceInstanceId: r.serviceInstanceId ?? null, provisioningFailureReason: r.failureReason ?? null },
      timeToLiveMs: RESULT_MESSAGE_TTL_MS,
    });
  }
  return { kind: 'published', fulfillmentTaskId: task.fulfillmentTaskId, status };
}

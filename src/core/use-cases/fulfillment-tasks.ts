// Fulfillment tasks as the use cases see them: what an external call's outcome means for its task.
// The SQL is in src/repositories/fulfillment-task.ts.
import type { CommonQueryMethods } from 'slonik';
import type { FulfillmentTaskStatus } from '../domain/fulfillment-task.ts';
import type { CallOutcome } from '../../integration/external-call.ts';
import { findTaskRow, updateTaskOutcome, type TaskOutcome, type TaskScope } from '../../repositories/fulfillment-task.ts';
export { setTaskStatus, type TaskScope } from '../../repositories/fulfillment-task.ts';

export interface FoundTask {
  readonly id: string;
  readonly status: FulfillmentTaskStatus;
  readonly externalRequestId: string | null;
  readonly externalReferenceId: string | null;
}

export const foundTask = (row: { fulfillment_task_id: string; status: FulfillmentTaskStatus; external_request_id: string | null; external_reference_id: string | null }): FoundTask => ({
  id: row.fulfillment_task_id,
  status: row.status,
  externalRequestId: row.external_request_id,
  externalReferenceId: row.external_reference_id,
});

export async function findTask(db: CommonQueryMethods, scope: TaskScope): Promise<FoundTask | undefined> {
  const row = await findTaskRow(db, scope);
  return row ? foundTask(row) : undefined;
}

const statusOf = (kind: CallOutcome<unknown>['kind']): FulfillmentTaskStatus | undefined => {
  switch (kind) {
    case 'succeeded':
      return 'SUCCEEDED';
    case 'accepted':
      return 'WAITING_EXTERNAL';
    case 'rejected':
      return 'REJECTED';
    case 'conflict':
    case 'failed':
      return 'FAILED';
    case 'ambiguous':
      return 'AMBIGUOUS';
    case 'in-progress':
      return undefined;
  }
};

/** What an external call's outcome leaves on its task; undefined: nothing (another worker is calling). */
export function taskOutcomeOf(outcome: CallOutcome<unknown>, result?: unknown): TaskOutcome | undefined {
  const status = statusOf(outcome.kind);
  if (!status || outcome.kind === 'in-progress') return undefined;
  return {
    status,
    externalRequestId: 'externalRequestId' in outcome ? outcome.externalRequestId : undefined,
    externalReferenceId: 'externalReferenceId' in outcome ? outcome.externalReferenceId : undefined,
    result,
    externalCallId: outcome.externalCallId,
  };
}

/** Reflects an external call's outcome on the task (in the transaction that stores it). */
export async function applyOutcome(db: CommonQueryMethods, taskId: string, outcome: CallOutcome<unknown>, result?: unknown): Promise<void> {
  const o = taskOutcomeOf(outcome, result);
  if (o) await updateTaskOutcome(db, taskId, o);
}

// A repair leaves what a normal answer of the same call would have left. In one transaction: the
// attempt takes the state found at the external system; the fulfillment task the call belongs to
// gets what runExternalStep writes on an answer (status, the provider's request id or the external
// reference, the kept result); a success's lifecycle event goes to the outbox; and provider results
// that came while the request was unknown are made due again in the inbox. The task is found by the
// call's scope, not by its link to the attempt: a worker killed mid-call never wrote that link.
import type { DatabaseTransactionConnection } from 'slonik';
import { applyOutcome, findTask } from '../use-cases/fulfillment-tasks.ts';
import { stepRecordOf, type StepRecord } from '../use-cases/step-records.ts';
import { emit } from '../../events/emit.ts';
import { correlationIdOf } from '../../repositories/customer-order.ts';
import { taskIdOfLastCall } from '../../repositories/fulfillment-task.ts';
import { rearmProvisioningResults } from '../provisioning-results/result-inbox.ts';
import type { CallOutcome } from '../../integration/external-call.ts';
import type { AttemptLedger } from '../../integration/ledger/attempt-ledger.ts';

/** The AMBIGUOUS call being repaired, as its attempt and case name it. */
export interface RepairedCall {
  readonly externalCallId: string;
  readonly system: string;
  readonly operation: string;
  /** `orderId/orderItemId` for item calls, the subscription or order id otherwise */
  readonly businessObjectId: string;
  readonly orderId: string | null;
  readonly caseId: string;
}

/** What the external system holds, in the ledger's vocabulary (an observation or an operator's confirmation). */
export interface FoundState {
  readonly status: 'SUCCEEDED' | 'PENDING';
  readonly value: unknown;
  readonly externalRequestId?: string | undefined;
  readonly externalReferenceId?: string | undefined;
}

export type RepairRecorded =
  | { readonly kind: 'repaired'; readonly fulfillmentTaskId: string | undefined }
  /** the attempt was no longer AMBIGUOUS (settled meanwhile): nothing else was changed */
  | { readonly kind: 'not-ambiguous' };

export async function recordRepair(
  tx: DatabaseTransactionConnection,
  ledger: AttemptLedger,
  call: RepairedCall,
  found: FoundState,
  evidence: { kind: 'RECONCILIATION' | 'OPERATOR'; detail: string; observed?: unknown },
): Promise<RepairRecorded> {
  if (!(await ledger.repairAmbiguous(tx, call.externalCallId, found, evidence))) return { kind: 'not-ambiguous' };
  const record = stepRecordOf(call.system, call.operation);
  const parsed = record?.resultSchema.safeParse(found.value);
  const value = parsed?.success ? parsed.data : undefined;

  const taskId = await taskOf(tx, call, record);
  if (taskId) {
    const refs = { externalCallId: call.externalCallId, evidenceId: '', attemptNo: 0, replayed: false };
    const outcome: CallOutcome<unknown> =
      found.status === 'PENDING'
        ? { kind: 'accepted', value: found.value, externalRequestId: found.externalRequestId ?? '', ...refs }
        : { kind: 'succeeded', value: found.value, externalRequestId: found.externalRequestId, externalReferenceId: found.externalReferenceId, ...refs };
    await applyOutcome(tx, taskId, outcome, value !== undefined ? record?.taskResult?.(value) : undefined);
  }

  // like runExternalStep: a success (not an acceptance) is announced
  const orderId = orderOf(call, record);
  if (found.status === 'SUCCEEDED' && value !== undefined && record?.announce && orderId) {
    const a = record.announce(value, { orderItemId: itemOf(call, record), businessObjectId: call.businessObjectId });
    const correlationId = await correlationIdOf(tx, orderId);
    if (correlationId === null) throw new Error(`order ${orderId} of reconciliation case ${call.caseId} does not exist`);
    await emit(tx, a.type, { orderId, correlationId, causationId: `case:${call.caseId}`, payload: a.payload as never });
  }

  await rearmProvisioningResults(tx, call.system, found.externalRequestId);
  return { kind: 'repaired', fulfillmentTaskId: taskId };
}

const itemOf = (call: RepairedCall, record: StepRecord<unknown> | undefined): string | undefined => (record?.perItem ? call.businessObjectId.split('/')[1] : undefined);

const orderOf = (call: RepairedCall, record: StepRecord<unknown> | undefined): string | undefined =>
  call.orderId ?? (record?.perItem ? call.businessObjectId.split('/')[0] : undefined);

async function taskOf(tx: DatabaseTransactionConnection, call: RepairedCall, record: StepRecord<unknown> | undefined): Promise<string | undefined> {
  const orderId = orderOf(call, record);
  if (record && orderId) {
    const task = await findTask(tx, { orderId, orderItemId: itemOf(call, record), taskType: record.taskType });
    if (task) return task.id;
  }
  return (await taskIdOfLastCall(tx, call.externalCallId)) ?? undefined;
}

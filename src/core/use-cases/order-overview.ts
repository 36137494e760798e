// Use case: everything the farm knows of one order, for the operator console's order page: the
// order (redacted snapshot), the process instance serving it, per step its ledger attempts with
// every try's evidence, its reconciliation cases, and the lifecycle events still in the outbox.
// Ledger and evidence rows are stored redacted; they are passed through the redaction policy once
// more on the way out, so a row written before a credential was registered cannot leak it here.
import type { CommonQueryMethods } from 'slonik';
import { redact, redactText } from '../../platform/redaction.ts';
import { findOrderDetail } from '../../repositories/customer-order.ts';
import { orchestrationLinkOf } from '../../repositories/order-orchestration-link.ts';
import { taskDetailsOfOrder } from '../../repositories/fulfillment-task.ts';
import { attemptsOfBusinessObjects, type LedgerEntryRow } from '../../repositories/external-call-attempt.ts';
import { evidenceOfAttempts, type EvidenceDetail } from '../../repositories/external-call-evidence.ts';
import { listCases } from '../../repositories/reconciliation-case.ts';
import { outboxEventsOfOrder } from '../../repositories/outbox-event.ts';
import type { FulfillmentTaskType } from '../domain/fulfillment-task.ts';
import type { OrderStatus } from '../domain/order.ts';
import { stepRecordOf } from './step-records.ts';

/** Enough for any order's history; the page says when it was cut. */
const MAX_EVENTS = 500;
const MAX_CASES = 100;

const iso = (epochMs: number | null): string | null => (epochMs === null ? null : new Date(epochMs).toISOString());

export interface EvidenceView {
  readonly evidenceId: string;
  readonly attemptNo: number;
  readonly kind: string;
  readonly outcome: string;
  readonly failureCategory: string | null;
  readonly detail: string | null;
  readonly httpStatus: number | null;
  readonly latencyMs: number | null;
  readonly jobKey: string | null;
  readonly recordedAt: string;
  readonly requestSnapshot: unknown;
  readonly responseSnapshot: unknown;
}

export interface AttemptView {
  readonly externalCallId: string;
  readonly system: string;
  readonly operation: string;
  readonly businessObject: { readonly type: string; readonly id: string };
  readonly idempotencyKey: string;
  readonly requestHash: string;
  /** the ledger's status after the last try */
  readonly outcome: string;
  /** how many tries the key had (each has its evidence) */
  readonly attemptNo: number;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly updatedAt: string;
  readonly failureCategory: string | null;
  readonly failureReason: string | null;
  readonly retryable: boolean | null;
  readonly requestSent: boolean | null;
  /** of the last try that reached the external system */
  readonly httpStatus: number | null;
  readonly externalRequestId: string | null;
  readonly externalReferenceId: string | null;
  readonly evidence: readonly EvidenceView[];
}

export interface StepView {
  readonly taskId: string;
  readonly taskType: string;
  readonly orderItemId: string | null;
  readonly status: string;
  readonly idempotencyKeys: readonly string[];
  readonly externalRequestId: string | null;
  readonly externalReferenceId: string | null;
  readonly result: unknown;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly attempts: readonly AttemptView[];
}

export interface OrderOverview {
  readonly order: {
    readonly orderId: string;
    readonly tenantId: string;
    readonly customerAccountId: string;
    readonly status: OrderStatus;
    readonly fallout: boolean;
    readonly correlationId: string;
    readonly createdAt: string;
    readonly updatedAt: string;
    readonly snapshot: unknown;
  };
  readonly orchestration: {
    readonly processKey: string;
    readonly processInstanceKey: string | null;
    readonly processDefinitionVersion: number | null;
    readonly startedAt: string;
    readonly endedAt: string | null;
    readonly lastKnownActivity: string | null;
  } | null;
  readonly steps: readonly StepView[];
  /** attempts of the order no task claims (e.g. a worker killed before its task was written) */
  readonly otherAttempts: readonly AttemptView[];
  readonly cases: readonly {
    readonly caseId: string;
    readonly status: string;
    readonly system: string;
    readonly mismatchType: string;
    readonly severity: string;
    readonly externalCallId: string | null;
    readonly checks: number;
    readonly resolution: string | null;
    readonly decidedBy: string | null;
    readonly detectedAt: string;
    readonly resolvedAt: string | null;
  }[];
  readonly events: readonly {
    readonly eventId: string;
    readonly eventType: string;
    readonly eventVersion: string;
    readonly topic: string;
    readonly occurredAt: string | null;
    readonly createdAt: string;
    readonly published: boolean;
    readonly publishedAt: string | null;
    readonly publishAttempts: number;
    readonly payload: unknown;
  }[];
  /** the events were cut at MAX_EVENTS */
  readonly eventsTruncated: boolean;
}

/** Reads (CRM) have no step record; a status poll belongs to the activation it follows. */
const READ_STEPS: Readonly<Record<string, FulfillmentTaskType>> = {
  'CRM/VALIDATE_ACCOUNT': 'VALIDATE_CUSTOMER_ACCOUNT',
  'PROVISIONING/CHECK_STATUS': 'ACTIVATE_SERVICE',
};

const taskTypeOf = (a: LedgerEntryRow): FulfillmentTaskType | undefined => stepRecordOf(a.system_code, a.operation_code)?.taskType ?? READ_STEPS[`${a.system_code}/${a.operation_code}`];

function evidenceView(e: EvidenceDetail): EvidenceView {
  return {
    evidenceId: e.evidence_id,
    attemptNo: e.attempt_no,
    kind: e.kind,
    outcome: e.outcome,
    failureCategory: e.failure_category,
    detail: e.detail === null ? null : redactText(e.detail),
    httpStatus: e.http_status,
    latencyMs: e.latency_ms,
    jobKey: e.job_key,
    recordedAt: new Date(e.recorded_at).toISOString(),
    requestSnapshot: redact(e.request_snapshot),
    responseSnapshot: redact(e.response_snapshot),
  };
}

function attemptView(a: LedgerEntryRow, evidence: readonly EvidenceDetail[]): AttemptView {
  const tries = evidence.map(evidenceView);
  return {
    externalCallId: a.external_call_id,
    system: a.system_code,
    operation: a.operation_code,
    businessObject: { type: a.business_object_type, id: a.business_object_id },
    idempotencyKey: a.idempotency_key,
    requestHash: a.request_hash,
    outcome: a.status,
    attemptNo: a.attempt_no,
    startedAt: new Date(a.started_at).toISOString(),
    endedAt: iso(a.completed_at),
    updatedAt: new Date(a.updated_at).toISOString(),
    failureCategory: a.failure_category,
    failureReason: a.failure_reason === null ? null : redactText(a.failure_reason),
    retryable: a.retryable,
    requestSent: a.request_sent,
    httpStatus: tries.findLast((t) => t.httpStatus !== null)?.httpStatus ?? null,
    externalRequestId: a.external_request_id,
    externalReferenceId: a.external_reference_id,
    evidence: tries,
  };
}

/** The business objects an order's attempts are about: the order, each item, the subscription. */
function businessObjectsOf(orderId: string, snapshot: unknown): { type: string; id: string }[] {
  const s = (snapshot ?? {}) as { items?: { orderItemId?: unknown }[]; subscription?: { subscriptionId?: unknown } };
  const objects = [{ type: 'ORDER', id: orderId }];
  for (const item of s.items ?? []) if (typeof item.orderItemId === 'string') objects.push({ type: 'ORDER_ITEM', id: `${orderId}/${item.orderItemId}` });
  if (typeof s.subscription?.subscriptionId === 'string') objects.push({ type: 'SUBSCRIPTION', id: s.subscription.subscriptionId });
  return objects;
}

/** The item an attempt is about (`orderId/orderItemId`), null for order-wide ones. */
const itemOf = (orderId: string, a: LedgerEntryRow): string | null =>
  a.business_object_type === 'ORDER_ITEM' && a.business_object_id.startsWith(`${orderId}/`) ? a.business_object_id.slice(orderId.length + 1) : null;

export async function orderOverview(db: CommonQueryMethods, orderId: string): Promise<OrderOverview | null> {
  const order = await findOrderDetail(db, orderId);
  if (!order) return null;
  // an operator's page, not the hot path: small reads, each from its own table
  const [link, tasks, attempts, cases, events] = await Promise.all([
    orchestrationLinkOf(db, orderId),
    taskDetailsOfOrder(db, orderId),
    attemptsOfBusinessObjects(db, { tenantId: order.tenant_id, correlationId: order.correlation_id, objects: businessObjectsOf(orderId, order.order_snapshot) }),
    listCases(db, { orderId, limit: MAX_CASES }),
    outboxEventsOfOrder(db, orderId, MAX_EVENTS + 1),
  ]);
  const evidence = await evidenceOfAttempts(db, attempts.map((a) => a.external_call_id));
  const views = new Map(attempts.map((a) => [a.external_call_id, attemptView(a, evidence.filter((e) => e.external_call_id === a.external_call_id))]));

  const claimed = new Set<string>();
  const steps = tasks.map((t): StepView => {
    const own = attempts.filter((a) => taskTypeOf(a) === t.task_type && itemOf(orderId, a) === t.order_item_id);
    for (const a of own) claimed.add(a.external_call_id);
    return {
      taskId: t.fulfillment_task_id,
      taskType: t.task_type,
      orderItemId: t.order_item_id,
      status: t.status,
      idempotencyKeys: [...new Set(own.map((a) => a.idempotency_key))],
      externalRequestId: t.external_request_id,
      externalReferenceId: t.external_reference_id,
      result: redact(t.result),
      createdAt: new Date(t.created_at).toISOString(),
      updatedAt: new Date(t.updated_at).toISOString(),
      attempts: own.map((a) => views.get(a.external_call_id) as AttemptView),
    };
  });

  return {
    order: {
      orderId: order.order_id,
      tenantId: order.tenant_id,
      customerAccountId: order.customer_account_id,
      status: order.order_status,
      fallout: order.order_status === 'FALLOUT',
      correlationId: order.correlation_id,
      createdAt: new Date(order.created_at).toISOString(),
      updatedAt: new Date(order.updated_at).toISOString(),
      snapshot: redact(order.order_snapshot),
    },
    orchestration: link && {
      processKey: link.process_key,
      processInstanceKey: link.process_instance_key,
      processDefinitionVersion: link.process_definition_version,
      startedAt: new Date(link.started_at).toISOString(),
      endedAt: iso(link.ended_at),
      lastKnownActivity: link.last_known_activity,
    },
    steps,
    otherAttempts: attempts.filter((a) => !claimed.has(a.external_call_id)).map((a) => views.get(a.external_call_id) as AttemptView),
    cases: cases.map((c) => ({
      caseId: c.reconciliation_case_id,
      status: c.status,
      system: c.system_code,
      mismatchType: c.mismatch_type,
      severity: c.severity,
      externalCallId: c.external_call_id,
      checks: c.check_count,
      resolution: c.resolution,
      decidedBy: c.decided_by,
      detectedAt: new Date(c.detected_at).toISOString(),
      resolvedAt: iso(c.resolved_at),
    })),
    events: events.slice(0, MAX_EVENTS).map((e) => ({
      eventId: e.event_id,
      eventType: e.event_type,
      eventVersion: e.event_version,
      topic: e.topic,
      occurredAt: e.occurred_at,
      createdAt: new Date(e.created_at).toISOString(),
      published: e.published_at !== null,
      publishedAt: iso(e.published_at),
      publishAttempts: e.publish_attempts,
      payload: redact(e.payload),
    })),
    eventsTruncated: events.length > MAX_EVENTS,
  };
}

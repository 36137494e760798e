// Use case: accept an order from the CPQ side. Idempotent on the client's Idempotency-Key (seed 004
// §9.1): the same key and body get the same answer, the same key with another body a 409. The
// order, its orchestration link and the key's record commit together; the process is then started
// by message, whose id (the order id) lets the engine refuse a second instance of the same order.
//
// Round trips on the success path: 2. One statement claims the key and, only if it took it,
// inserts the order and its link; then the start message; then the answer is kept for replays.
// A used key takes the slower path, one more statement: the key's record, taken over (with its
// order's snapshot) when an earlier try gave it back unanswered or died with it. Concurrent
// requests with one key: one claims it; while it starts the order the others get 'in-progress'
// (409, retry later), never a second start; once it answered, the stored answer.
import { randomUUID } from 'node:crypto';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { MESSAGES, PROCESS_ID } from '../domain/bpmn-errors.ts';
import { orderSnapshotSchema, type OrderRequest, type OrderSnapshot } from '../domain/order.ts';
import { requestHash } from '../../integration/request-hash.ts';
import type { MessagePublisher } from '../ports/message-publisher.ts';
import {
  claimIdempotencyKey,
  idempotencyKeyTakeOver,
  idempotencyRecordSelect,
  releaseUnansweredKey,
  storeIdempotentAnswer,
  type IdempotencyKeyRef,
} from '../../repositories/idempotency-record.ts';
import { acceptedOrderInsertWhen, orderSnapshotOfColumn } from '../../repositories/customer-order.ts';
import { orchestrationLinkInsertFor } from '../../repositories/order-orchestration-link.ts';

export interface AcceptOrderDeps {
  readonly db: DatabasePool;
  readonly messages: MessagePublisher;
  readonly provisioningPollCycle: string;
  readonly provisioningSla: string;
}

export interface AcceptedOrder {
  readonly orderId: string;
  readonly status: 'ACCEPTED';
  readonly correlationId: string;
}

export type AcceptOrderResult =
  | { readonly kind: 'accepted'; readonly order: AcceptedOrder; readonly replayed: boolean }
  | { readonly kind: 'key-reused'; readonly message: string }
  | { readonly kind: 'in-progress'; readonly message: string; readonly retryAfterSeconds: number }
  | { readonly kind: 'start-failed'; readonly orderId: string; readonly message: string };

/** How long the start message waits in the engine if no instance can take it yet. */
const START_MESSAGE_TTL_MS = 60 * 60_000;

/**
 * A claim this old with no answer is taken to be dead (its process stopped between claim and
 * answer): far longer than a start takes with the engine's deadline. Should two requests both
 * take over the same dead claim, both publish the same start message (its id is the order id:
 * the engine starts one instance) and store the same answer.
 */
export const UNANSWERED_CLAIM_STALE_MS = 30_000;

const usedKey = z.object({
  request_hash: z.string(),
  response_body: z.unknown(),
  taken_resource_id: z.string().nullable(),
  taken_snapshot: z.unknown(),
});
const acceptedOrder = z.object({ orderId: z.string(), status: z.literal('ACCEPTED'), correlationId: z.string() });

export async function acceptOrder(deps: AcceptOrderDeps, request: OrderRequest, idempotencyKey: string, correlationId: string = randomUUID()): Promise<AcceptOrderResult> {
  const key: IdempotencyKeyRef = { scope: `order-intake:${request.tenantId}`, idempotencyKey };
  const hash = requestHash(request);
  const orderId = `ord-${randomUUID()}`;
  const snapshot: OrderSnapshot = { ...request, orderId, correlationId };

  const created = await deps.db.oneFirst(sql.type(z.object({ created: z.boolean() }))`
    with claimed as (${claimIdempotencyKey({ ...key, requestHash: hash, resourceId: orderId })}),
      ordered as (${acceptedOrderInsertWhen('claimed', { orderId, tenantId: request.tenantId, customerAccountId: request.customerAccountId, correlationId, snapshot })}),
      linked as (${orchestrationLinkInsertFor('ordered', PROCESS_ID)})
    select exists (select 1 from linked) as created`);
  if (created) return start(deps, key, snapshot);

  const used = await deps.db.maybeOne(sql.type(usedKey)`
    with taken as (${idempotencyKeyTakeOver(key, { requestHash: hash, staleAfterMs: UNANSWERED_CLAIM_STALE_MS })}),
      record as (${idempotencyRecordSelect(key)})
    select r.request_hash, r.response_body, t.resource_id as taken_resource_id, ${orderSnapshotOfColumn(['t', 'resource_id'])} as taken_snapshot
    from record r left join taken t on true`);
  // the key's record cannot vanish: a concurrent claim made this statement wait, then do nothing
  if (!used || used.request_hash !== hash) {
    return { kind: 'key-reused', message: `Idempotency-Key ${idempotencyKey} was already used for a different order request` };
  }
  if (used.response_body !== null) return { kind: 'accepted', order: acceptedOrder.parse(used.response_body), replayed: true };
  if (used.taken_resource_id === null) {
    return { kind: 'in-progress', message: `a request with Idempotency-Key ${idempotencyKey} is starting this order`, retryAfterSeconds: 1 };
  }
  // an earlier request that stopped before its answer: this one starts its order again
  if (used.taken_snapshot === null) throw new Error(`idempotency record ${key.scope}/${idempotencyKey} names order ${used.taken_resource_id}, which does not exist`);
  return start(deps, key, orderSnapshotSchema.parse(used.taken_snapshot));
}

/** Publishes the start message, then keeps the answer for replays of the key. */
async function start(deps: AcceptOrderDeps, key: IdempotencyKeyRef, order: OrderSnapshot): Promise<AcceptOrderResult> {
  try {
    await deps.messages.publish({
      name: MESSAGES.orderAccepted,
      correlationKey: order.orderId,
      messageId: order.orderId,
      variables: {
        orderId: order.orderId,
        tenantId: order.tenantId,
        correlationId: order.correlationId,
        orderItemIds: order.items.map((i) => i.orderItemId),
        provisioningPollCycle: deps.provisioningPollCycle,
        provisioningSla: deps.provisioningSla,
      },
      timeToLiveMs: START_MESSAGE_TTL_MS,
    });
  } catch (err) {
    // given back: the client's retry with the key takes it over (in-progress would refuse it until
    // the claim went stale, which is also what happens if the database cannot take it back now)
    await releaseUnansweredKey(deps.db, key).catch(() => undefined);
    return { kind: 'start-failed', orderId: order.orderId, message: `the order is stored but its fulfillment could not be started yet: ${(err as Error).message}` };
  }
  const accepted: AcceptedOrder = { orderId: order.orderId, status: 'ACCEPTED', correlationId: order.correlationId };
  await storeIdempotentAnswer(deps.db, key, 202, accepted);
  return { kind: 'accepted', order: accepted, replayed: false };
}

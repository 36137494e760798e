// Use case: accept an order from the CPQ side. Idempotent on the client's Idempotency-Key (seed 004
// §9.1): the same key and body get the same answer, the same key with another body a 409. The
// order, its orchestration link and the key's record commit together; the process is then started
// by message, whose id (the order id) lets the engine refuse a second instance of the same order.
//
// Round trips on the success path: 2. One statement claims the key and, only if it took it,
// inserts the order and its link; then the start message; then the answer is kept for replays.
// A used key (replay, conflict, or an earlier try that stopped before its start message) takes
// the slower path: read the key's record, and the order if its message must go out again.
import { randomUUID } from 'node:crypto';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { MESSAGES, PROCESS_ID } from '../domain/bpmn-errors.ts';
import type { OrderRequest, OrderSnapshot } from '../domain/order.ts';
import { requestHash } from '../../integration/request-hash.ts';
import type { MessagePublisher } from '../ports/message-publisher.ts';
import { claimIdempotencyKey, findIdempotencyRecord, storeIdempotentAnswer, type IdempotencyKeyRef } from '../../repositories/idempotency-record.ts';
import { acceptedOrderInsertWhen, findOrder } from '../../repositories/customer-order.ts';
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
  | { readonly kind: 'start-failed'; readonly orderId: string; readonly message: string };

/** How long the start message waits in the engine if no instance can take it yet. */
const START_MESSAGE_TTL_MS = 60 * 60_000;

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

  const stored = await findIdempotencyRecord(deps.db, key);
  // the key's record cannot vanish: a concurrent claim made this statement wait, then do nothing
  if (!stored || stored.requestHash !== hash) {
    return { kind: 'key-reused', message: `Idempotency-Key ${idempotencyKey} was already used for a different order request` };
  }
  if (stored.responseBody) return { kind: 'accepted', order: stored.responseBody as AcceptedOrder, replayed: true };
  // an earlier request that stopped before the start message went out: (re)publish it
  const earlier = await findOrder(deps.db, stored.resourceId ?? '');
  if (!earlier) throw new Error(`idempotency record ${key.scope}/${idempotencyKey} names order ${stored.resourceId}, which does not exist`);
  return start(deps, key, earlier.order_snapshot as OrderSnapshot);
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
    return { kind: 'start-failed', orderId: order.orderId, message: `the order is stored but its fulfillment could not be started yet: ${(err as Error).message}` };
  }
  const accepted: AcceptedOrder = { orderId: order.orderId, status: 'ACCEPTED', correlationId: order.correlationId };
  await storeIdempotentAnswer(deps.db, key, 202, accepted);
  return { kind: 'accepted', order: accepted, replayed: false };
}

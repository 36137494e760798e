// Use case: accept an order from the CPQ side. Idempotent on the client's Idempotency-Key (seed 004
// §9.1): the same key and body get the same answer, the same key with another body a 409. The
// order, its orchestration link and the key's record commit together; the process is then started
// by message, whose id (the order id) lets the engine refuse a second instance of the same order.
import { randomUUID } from 'node:crypto';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { MESSAGES, PROCESS_ID } from '../domain/bpmn-errors.ts';
import type { OrderRequest, OrderSnapshot } from '../domain/order.ts';
import { requestHash } from '../../integration/request-hash.ts';
import type { MessagePublisher } from '../ports/message-publisher.ts';

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

const record = z.object({ request_hash: z.string(), response_body: z.unknown().nullable(), resource_id: z.string().nullable() });

export async function acceptOrder(deps: AcceptOrderDeps, request: OrderRequest, idempotencyKey: string, correlationId: string = randomUUID()): Promise<AcceptOrderResult> {
  const scope = `order-intake:${request.tenantId}`;
  const hash = requestHash(request);

  const stored = await deps.db.transaction(async (tx) => {
    const existing = await tx.maybeOne(sql.type(record)`
      select request_hash, response_body, resource_id from idempotency_record where scope = ${scope} and idempotency_key = ${idempotencyKey} for update`);
    if (existing) return existing;
    const orderId = `ord-${randomUUID()}`;
    const snapshot: OrderSnapshot = { ...request, orderId, correlationId };
    await tx.query(sql.unsafe`
      insert into idempotency_record (scope, idempotency_key, request_hash, resource_id) values (${scope}, ${idempotencyKey}, ${hash}, ${orderId})`);
    await tx.query(sql.unsafe`
      insert into customer_order (order_id, tenant_id, customer_account_id, order_status, correlation_id, order_snapshot)
      values (${orderId}, ${request.tenantId}, ${request.customerAccountId}, 'ACCEPTED', ${correlationId}, ${sql.jsonb(snapshot as never)})`);
    await tx.query(sql.unsafe`
      insert into order_orchestration_link (order_id, process_key, start_message_id) values (${orderId}, ${PROCESS_ID}, ${orderId})`);
    return { request_hash: hash, response_body: null, resource_id: orderId };
  });

  if (stored.request_hash !== hash) {
    return { kind: 'key-reused', message: `Idempotency-Key ${idempotencyKey} was already used for a different order request` };
  }
  if (stored.response_body) return { kind: 'accepted', order: stored.response_body as AcceptedOrder, replayed: true };

  // New, or an earlier request that stopped before the start message went out: (re)publish it.
  const orderId = stored.resource_id ?? '';
  const order = (await deps.db.one(sql.type(z.object({ correlation_id: z.string(), order_snapshot: z.unknown() }))`
    select correlation_id, order_snapshot from customer_order where order_id = ${orderId}`)) as { correlation_id: string; order_snapshot: OrderSnapshot };
  try {
    await deps.messages.publish({
      name: MESSAGES.orderAccepted,
      correlationKey: orderId,
      messageId: orderId,
      variables: {
        orderId,
        tenantId: order.order_snapshot.tenantId,
        correlationId: order.correlation_id,
        orderItemIds: order.order_snapshot.items.map((i) => i.orderItemId),
        provisioningPollCycle: deps.provisioningPollCycle,
        provisioningSla: deps.provisioningSla,
      },
      timeToLiveMs: START_MESSAGE_TTL_MS,
    });
  } catch (err) {
    return { kind: 'start-failed', orderId, message: `the order is stored but its fulfillment could not be started yet: ${(err as Error).message}` };
  }
  const accepted: AcceptedOrder = { orderId, status: 'ACCEPTED', correlationId: order.correlation_id };
  await deps.db.query(sql.unsafe`
    update idempotency_record set response_status = 202, response_body = ${sql.jsonb(accepted as never)} where scope = ${scope} and idempotency_key = ${idempotencyKey}`);
  return { kind: 'accepted', order: accepted, replayed: false };
}

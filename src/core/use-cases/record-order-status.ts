// Use case: the model reached an outcome for the order; the database records it (BPMN completion
// is not domain completion until this has committed).
import { complete, type EngineAction } from '../ports/engine-action.ts';
import type { OrderStatus } from '../domain/order.ts';
import { markOrchestrationEnded, setOrderStatus } from './order-repository.ts';
import { closeCasesOfEndedOrder } from '../reconciliation/close-cases-of-ended-order.ts';
import { sql } from 'slonik';
import { z } from 'zod';
import { emit } from '../../events/emit.ts';
import type { FarmServices } from '../services.ts';

const TERMINAL: readonly OrderStatus[] = ['COMPLETED', 'REJECTED', 'FALLOUT', 'CANCELLED'];

const ENDED = { COMPLETED: 'OrderFulfilled', REJECTED: 'OrderRejected', FALLOUT: 'OrderFalloutRaised', CANCELLED: 'OrderCancelled' } as const;

export async function recordOrderStatus(s: FarmServices, input: { orderId: string; status: OrderStatus; elementId: string; causationId: string; reason?: string | undefined }): Promise<EngineAction> {
  const now = await s.db.transaction(async (tx) => {
    const before = await tx.one(sql.type(z.object({ order_status: z.string(), correlation_id: z.string() }))`
      select order_status, correlation_id from customer_order where order_id = ${input.orderId} for update`);
    const status = await setOrderStatus(tx, input.orderId, input.status);
    if (TERMINAL.includes(input.status)) {
      await markOrchestrationEnded(tx, input.orderId, input.elementId);
      await closeCasesOfEndedOrder(tx, input.orderId, status, input.elementId);
    }
    if (status !== before.order_status && status in ENDED) {
      const type = ENDED[status as keyof typeof ENDED];
      const base = { orderId: input.orderId, correlationId: before.correlation_id, causationId: input.causationId };
      if (type === 'OrderFulfilled') await emit(tx, type, { ...base, payload: {} });
      else await emit(tx, type, { ...base, payload: input.reason ? { reason: input.reason } : {} });
    }
    return status;
  });
  return complete({ orderStatus: now });
}

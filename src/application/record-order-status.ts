// Use case: the model reached an outcome for the order; the database records it (BPMN completion
// is not domain completion until this has committed).
import { complete, type EngineAction } from '../integration/engine-action.ts';
import type { OrderStatus } from '../fulfillment/order.ts';
import { markOrchestrationEnded, setOrderStatus } from './order-repository.ts';
import { closeCasesOfEndedOrder } from '../reconciliation/close-cases-of-ended-order.ts';
import type { FarmServices } from './services.ts';

const TERMINAL: readonly OrderStatus[] = ['COMPLETED', 'REJECTED', 'FALLOUT', 'CANCELLED'];

export async function recordOrderStatus(s: FarmServices, input: { orderId: string; status: OrderStatus; elementId: string }): Promise<EngineAction> {
  const now = await s.db.transaction(async (tx) => {
    const status = await setOrderStatus(tx, input.orderId, input.status);
    if (TERMINAL.includes(input.status)) {
      await markOrchestrationEnded(tx, input.orderId, input.elementId);
      await closeCasesOfEndedOrder(tx, input.orderId, status, input.elementId);
    }
    return status;
  });
  return complete({ orderStatus: now });
}

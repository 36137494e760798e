// Use case: the model reached an outcome for the order; the database records it (BPMN completion
// is not domain completion until this has committed). One statement: the status moves, the
// instance's link records its end, the outcome's event goes to the outbox, and the statement says
// whether cases of the order are still undecided (rare: they are closed in a transaction of their own).
import { sql } from 'slonik';
import { z } from 'zod';
import { complete, type EngineAction } from '../ports/engine-action.ts';
import { ORDER_STATUSES, type OrderStatus } from '../domain/order.ts';
import { OrderNotFound } from './orders.ts';
import { closeCasesOfEndedOrder } from '../reconciliation/close-cases-of-ended-order.ts';
import { emitCorrelatedBy } from '../../events/emit.ts';
import { orderStatusMove, orderStatusSelect } from '../../repositories/customer-order.ts';
import { orchestrationEndedUpdate } from '../../repositories/order-orchestration-link.ts';
import { undecidedCaseOfOrderExists } from '../../repositories/reconciliation-case.ts';
import type { FarmServices } from '../services.ts';

const TERMINAL: readonly OrderStatus[] = ['COMPLETED', 'REJECTED', 'FALLOUT', 'CANCELLED'];

const ENDED = { COMPLETED: 'OrderFulfilled', REJECTED: 'OrderRejected', FALLOUT: 'OrderFalloutRaised', CANCELLED: 'OrderCancelled' } as const;

const recorded = z.object({ was: z.enum(ORDER_STATUSES).nullable(), moved_to: z.enum(ORDER_STATUSES).nullable(), undecided_cases: z.boolean() });

export async function recordOrderStatus(s: FarmServices, input: { orderId: string; status: OrderStatus; elementId: string; causationId: string; reason?: string | undefined }): Promise<EngineAction> {
  const terminal = TERMINAL.includes(input.status);
  const ctes = [sql.fragment`before as (${orderStatusSelect(input.orderId)})`, sql.fragment`moved as (${orderStatusMove(input.orderId, input.status)})`];
  if (terminal) ctes.push(sql.fragment`ended as (${orchestrationEndedUpdate(input.orderId, input.elementId)})`);
  if (input.status in ENDED) {
    // announced only by the statement that moved the order (a repeated job announces nothing)
    const type = ENDED[input.status as keyof typeof ENDED];
    const base = { orderId: input.orderId, causationId: input.causationId, occurredAt: s.clock.now() };
    const moved = sql.fragment`exists (select 1 from moved)`;
    ctes.push(
      sql.fragment`announced as (${
        type === 'OrderFulfilled' ? emitCorrelatedBy('before', moved, type, { ...base, payload: {} }) : emitCorrelatedBy('before', moved, type, { ...base, payload: input.reason ? { reason: input.reason } : {} })
      })`,
    );
  }
  const row = await s.db.one(sql.type(recorded)`
    with ${sql.join(ctes, sql.fragment`, `)}
    select (select order_status from before) as was, (select order_status from moved) as moved_to,
      ${terminal ? undecidedCaseOfOrderExists(input.orderId) : sql.fragment`false`} as undecided_cases`);
  if (row.was === null) throw new OrderNotFound(`order ${input.orderId} does not exist`);
  // not moved: already there, or ended otherwise (terminal statuses are never left)
  const now = row.moved_to ?? row.was;
  if (row.undecided_cases) await s.db.transaction((tx) => closeCasesOfEndedOrder(tx, input.orderId, now, input.elementId));
  return complete({ orderStatus: now });
}

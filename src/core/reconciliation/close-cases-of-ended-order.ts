// An order that reached its end leaves no case open: a conflict reviewed on the order's own user
// task, or an ambiguity the order moved past (e.g. cancelled), is closed with the outcome as its
// resolution, recorded as decided by the order's process.
import type { DatabaseTransactionConnection } from 'slonik';
import { undecidedCasesOfOrder } from '../../repositories/reconciliation-case.ts';
import { appendCaseEvent, setCaseStatus } from './cases.ts';

export async function closeCasesOfEndedOrder(tx: DatabaseTransactionConnection, orderId: string, orderStatus: string, elementId: string): Promise<void> {
  const open = await undecidedCasesOfOrder(tx, orderId, { forUpdate: true });
  for (const caseId of open) {
    await setCaseStatus(tx, caseId, 'CLOSED', { resolution: `order ${orderStatus}` });
    await appendCaseEvent(tx, caseId, { action: 'CLOSED', actor: 'order-fulfillment process', note: `the order ended ${orderStatus} at ${elementId}` });
  }
}

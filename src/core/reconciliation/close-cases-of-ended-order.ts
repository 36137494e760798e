// An order that reached its end leaves no case open: a conflict reviewed on the order's own user
// task, or an ambiguity the order moved past (e.g. cancelled), is closed with the outcome as its
// resolution, recorded as decided by the order's process.
import { sql, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { appendCaseEvent, setCaseStatus } from './case-repository.ts';

export async function closeCasesOfEndedOrder(tx: DatabaseTransactionConnection, orderId: string, orderStatus: string, elementId: string): Promise<void> {
  const open = await tx.anyFirst(sql.type(z.object({ reconciliation_case_id: z.string() }))`
    select reconciliation_case_id from reconciliation_case where order_id = ${orderId} and status in ('OPEN', 'MANUAL_REVIEW') for update`);
  for (const caseId of open) {
    await setCaseStatus(tx, caseId, 'CLOSED', { resolution: `order ${orderStatus}` });
    await appendCaseEvent(tx, caseId, { action: 'CLOSED', actor: 'order-fulfillment process', note: `the order ended ${orderStatus} at ${elementId}` });
  }
}

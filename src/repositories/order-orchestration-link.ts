// order_orchestration_link: which process instance serves an order (seed 004 §14.1). Every SQL
// text naming the table is here.
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';

/** Links the process instance that serves the order (idempotent; first link wins), as a fragment. */
export const linkProcessInstanceUpdate = (orderId: string, processInstanceKey: string, lastActivity: string): FragmentSqlToken => sql.fragment`
  update order_orchestration_link
  set process_instance_key = coalesce(process_instance_key, ${processInstanceKey}), last_known_activity = ${lastActivity}, last_sync_at = now()
  where order_id = ${orderId}
  returning order_id`;

export async function linkProcessInstance(db: CommonQueryMethods, orderId: string, processInstanceKey: string, lastActivity: string): Promise<void> {
  await db.query(sql.unsafe`${linkProcessInstanceUpdate(orderId, processInstanceKey, lastActivity)}`);
}

/** The instance reached an end: recorded once (the first end wins), as a fragment. */
export const orchestrationEndedUpdate = (orderId: string, lastActivity: string): FragmentSqlToken => sql.fragment`
  update order_orchestration_link set ended_at = coalesce(ended_at, now()), last_known_activity = ${lastActivity}, last_sync_at = now()
  where order_id = ${orderId}
  returning order_id`;

export async function markOrchestrationEnded(db: CommonQueryMethods, orderId: string, lastActivity: string): Promise<void> {
  await db.query(sql.unsafe`${orchestrationEndedUpdate(orderId, lastActivity)}`);
}

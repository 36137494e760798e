// order_orchestration_link: which process instance serves an order (seed 004 §14.1). Every SQL
// text naming the table is here.
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';

/** Links the process instance that serves the order (idempotent; first link wins), as a fragment. */
export const linkProcessInstanceUpdate = (orderId: string, processInstanceKey: string, lastActivity: string): FragmentSqlToken => sql.fragment`
  update order_orchestration_link
  set process_instance_key = coalesce(process_instance_key, ${processInstanceKey}), last_known_activity = ${lastActivity}, last_sync_at = now()
  where order_id = ${orderId}
  returning order_id`;

/** The instance reached an end: recorded once (the first end wins), as a fragment. */
export const orchestrationEndedUpdate = (orderId: string, lastActivity: string): FragmentSqlToken => sql.fragment`
  update order_orchestration_link set ended_at = coalesce(ended_at, now()), last_known_activity = ${lastActivity}, last_sync_at = now()
  where order_id = ${orderId}
  returning order_id`;

/**
 * The link of each order `orders` (the name of an earlier CTE returning `order_id`) inserted, as
 * a fragment: the process is started by message whose id is the order id.
 */
export const orchestrationLinkInsertFor = (orders: string, processKey: string): FragmentSqlToken => sql.fragment`
  insert into order_orchestration_link (order_id, process_key, start_message_id)
  select order_id, ${processKey}, order_id from ${sql.identifier([orders])}
  returning order_id`;

/** The process instance serving the order, once its first job linked it. */
export async function processInstanceKeyOf(db: CommonQueryMethods, orderId: string): Promise<string | null> {
  const key = await db.maybeOneFirst(sql.type(z.object({ process_instance_key: z.string().nullable() }))`
    select process_instance_key from order_orchestration_link where order_id = ${orderId}`);
  return key ?? null;
}

/** The order in column `orderIdColumn` runs as one of these process instances, as a condition (served by the unique key). */
export const orderRunsAsOneOf = (orderIdColumn: readonly string[], processInstanceKeys: readonly string[]): FragmentSqlToken => sql.fragment`
  ${sql.identifier([...orderIdColumn])} in (select order_id from order_orchestration_link where process_instance_key = any(${sql.array([...processInstanceKeys], 'text')}))`;

/** The process instance serving the order whose id is in column `orderIdColumn` (e.g. ['o', 'order_id']), as a scalar subquery. */
export const processInstanceKeyOfColumn = (orderIdColumn: readonly string[]): FragmentSqlToken => sql.fragment`
  (select process_instance_key from order_orchestration_link where order_id = ${sql.identifier([...orderIdColumn])})`;

const linkRow = z.object({
  process_key: z.string(),
  process_instance_key: z.string().nullable(),
  process_definition_version: z.number().nullable(),
  // timestamptz: slonik's type parser gives epoch milliseconds
  started_at: z.number(),
  ended_at: z.number().nullable(),
  last_known_activity: z.string().nullable(),
});
export type OrchestrationLinkRow = z.infer<typeof linkRow>;

/** The whole link of the order (the operator's order page). */
export async function orchestrationLinkOf(db: CommonQueryMethods, orderId: string): Promise<OrchestrationLinkRow | null> {
  return db.maybeOne(sql.type(linkRow)`
    select process_key, process_instance_key, process_definition_version, started_at, ended_at, last_known_activity
    from order_orchestration_link where order_id = ${orderId}`);
}

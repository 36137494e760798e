// customer_order: the orders the intake accepted, their immutable snapshot and their status. Every
// SQL text naming the table is here.
import { storableJsonb } from '../platform/storable-text.ts';
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { ORDER_STATUSES, type OrderStatus } from '../core/domain/order.ts';
import { orderRunsAsOneOf, processInstanceKeyOfColumn } from './order-orchestration-link.ts';
import { undecidedCaseCountOfColumn, undecidedCaseOfOrderColumnExists } from './reconciliation-case.ts';

export const orderRow = z.object({ order_snapshot: z.unknown(), order_status: z.enum(ORDER_STATUSES) });
export type OrderRow = z.infer<typeof orderRow>;

/** The order's snapshot and status, as a fragment (a CTE of a job's first statement). */
export const orderSelect = (orderId: string): FragmentSqlToken => sql.fragment`
  select order_id, tenant_id, correlation_id, order_snapshot, order_status from customer_order where order_id = ${orderId}`;

export async function findOrder(db: CommonQueryMethods, orderId: string): Promise<OrderRow | null> {
  return db.maybeOne(sql.type(orderRow)`select order_snapshot, order_status from customer_order where order_id = ${orderId}`);
}


/** ACCEPTED → IN_FULFILLMENT as a fragment: returns the order id only when this statement moved it. */
export const fulfillmentStartedUpdate = (orderId: string): FragmentSqlToken => sql.fragment`
  update customer_order set order_status = 'IN_FULFILLMENT', updated_at = now() where order_id = ${orderId} and order_status = 'ACCEPTED'
  returning order_id`;

/** The same, as a CTE stored with an attempt's result: only when CTE `gate` returned a row. */
export const fulfillmentStartedUpdateWhen = (gate: string, orderId: string): FragmentSqlToken => sql.fragment`
  update customer_order set order_status = 'IN_FULFILLMENT', updated_at = now()
  where order_id = ${orderId} and order_status = 'ACCEPTED' and exists (select 1 from ${sql.identifier([gate])})
  returning order_id`;

/** Whether the order row of CTE alias `orderAlias` (an orderSelect) has the item: a condition. */
export const orderHasItem = (orderAlias: string, orderItemId: string): FragmentSqlToken => sql.fragment`
  exists (select 1 from jsonb_array_elements(${sql.identifier([orderAlias, 'order_snapshot'])} -> 'items') item where item ->> 'orderItemId' = ${orderItemId})`;

/** The order's status and correlation id, as a CTE (what a status change compares with and announces under). */
export const orderStatusSelect = (orderId: string): FragmentSqlToken => sql.fragment`
  select order_status, correlation_id from customer_order where order_id = ${orderId}`;

/**
 * Moves the order to a status it is not in yet, as a CTE: terminal statuses are never left (a late
 * job cannot reopen an order). Returns the new status only when this statement moved it.
 */
export const orderStatusMove = (orderId: string, status: OrderStatus): FragmentSqlToken => sql.fragment`
  update customer_order set order_status = ${status}, updated_at = now()
  where order_id = ${orderId} and order_status not in ('COMPLETED', 'REJECTED', 'CANCELLED') and order_status <> ${status}
  returning order_status`;

export async function startFulfillment(db: CommonQueryMethods, orderId: string): Promise<boolean> {
  const started = await db.maybeOne(sql.type(z.object({ order_id: z.string() }))`${fulfillmentStartedUpdate(orderId)}`);
  return started !== null;
}

export async function correlationIdOf(db: CommonQueryMethods, orderId: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ correlation_id: z.string() }))`select correlation_id from customer_order where order_id = ${orderId}`);
}

export interface AcceptedOrderRow {
  readonly orderId: string;
  readonly tenantId: string;
  readonly customerAccountId: string;
  readonly correlationId: string;
  readonly snapshot: unknown;
}

/**
 * The insert of an accepted order, as a fragment made only when `gate` (the name of an earlier CTE
 * of the same statement, e.g. the idempotency key's claim) returned a row. Returns the order id.
 */
export const acceptedOrderInsertWhen = (gate: string, o: AcceptedOrderRow): FragmentSqlToken => sql.fragment`
  insert into customer_order (order_id, tenant_id, customer_account_id, order_status, correlation_id, order_snapshot)
  select ${o.orderId}, ${o.tenantId}, ${o.customerAccountId}, 'ACCEPTED', ${o.correlationId}, ${storableJsonb(o.snapshot as never)}
  where exists (select 1 from ${sql.identifier([gate])})
  returning order_id`;

const summaryRow = z.object({ order_id: z.string(), order_status: z.enum(ORDER_STATUSES), correlation_id: z.string() });

/** What the order status read shows of the order itself. */
export async function findOrderSummary(db: CommonQueryMethods, orderId: string): Promise<z.infer<typeof summaryRow> | null> {
  return db.maybeOne(sql.type(summaryRow)`select order_id, order_status, correlation_id from customer_order where order_id = ${orderId}`);
}

/** The snapshot of the order whose id is in column `orderIdColumn` (e.g. ['t', 'resource_id']), as a scalar subquery. */
export const orderSnapshotOfColumn = (orderIdColumn: readonly string[]): FragmentSqlToken => sql.fragment`
  (select order_snapshot from customer_order where order_id = ${sql.identifier([...orderIdColumn])})`;

/** The correlation id of the order whose id is in column `orderIdColumn` (e.g. ['t', 'order_id']), as a scalar subquery. */
export const correlationIdOfColumn = (orderIdColumn: readonly string[]): FragmentSqlToken => sql.fragment`
  (select correlation_id from customer_order where order_id = ${sql.identifier([...orderIdColumn])})`;

// ---- the operator's order list and order page ----

/** The lists of the operator's order page: in progress (not ended yet), fallout, a reconciliation case undecided. */
export const ORDER_LIST_VIEWS = ['in-progress', 'fallout', 'reconciliation-open'] as const;
export type OrderListView = (typeof ORDER_LIST_VIEWS)[number];

export interface OrderListFilter {
  readonly status?: OrderStatus | undefined;
  readonly view?: OrderListView | undefined;
  /** the order id starts with it */
  readonly orderIdPrefix?: string | undefined;
  /** the order runs as one of these process instances */
  readonly processInstanceKeys?: readonly string[] | undefined;
  readonly limit: number;
  /** the page after this order (its created_at as cursorAt, exactly as read; ties broken by order id) */
  readonly after?: { readonly cursorAt: string; readonly orderId: string } | undefined;
}

const orderListRow = z.object({
  order_id: z.string(),
  tenant_id: z.string(),
  customer_account_id: z.string(),
  order_status: z.enum(ORDER_STATUSES),
  // timestamptz: slonik's type parser gives epoch milliseconds (to the millisecond); cursor_at keeps the microseconds
  created_at: z.number(),
  updated_at: z.number(),
  cursor_at: z.string(),
  process_instance_key: z.string().nullable(),
  open_case_count: z.number(),
});
export type OrderListRow = z.infer<typeof orderListRow>;

const VIEW_CONDITIONS: Readonly<Record<OrderListView, FragmentSqlToken>> = {
  'in-progress': sql.fragment`o.order_status in ('ACCEPTED', 'IN_FULFILLMENT')`,
  fallout: sql.fragment`o.order_status = 'FALLOUT'`,
  'reconciliation-open': undecidedCaseOfOrderColumnExists(['o', 'order_id']),
};

/** Orders newest first with their process instance and undecided case count, one page. */
export async function listOrdersForOperator(db: CommonQueryMethods, f: OrderListFilter): Promise<readonly OrderListRow[]> {
  const conditions = [sql.fragment`true`];
  if (f.status) conditions.push(sql.fragment`o.order_status = ${f.status}`);
  if (f.view) conditions.push(VIEW_CONDITIONS[f.view]);
  if (f.orderIdPrefix) conditions.push(sql.fragment`starts_with(o.order_id, ${f.orderIdPrefix})`);
  if (f.processInstanceKeys) conditions.push(orderRunsAsOneOf(['o', 'order_id'], f.processInstanceKeys));
  if (f.after) conditions.push(sql.fragment`(o.created_at, o.order_id) < (${f.after.cursorAt}::timestamptz, ${f.after.orderId})`);
  return db.any(sql.type(orderListRow)`
    select o.order_id, o.tenant_id, o.customer_account_id, o.order_status, o.created_at, o.updated_at,
      to_json(o.created_at) #>> '{}' as cursor_at,
      ${processInstanceKeyOfColumn(['o', 'order_id'])} as process_instance_key,
      ${undecidedCaseCountOfColumn(['o', 'order_id'])} as open_case_count
    from customer_order o
    where ${sql.join(conditions, sql.fragment` and `)}
    order by o.created_at desc, o.order_id desc
    limit ${f.limit}`);
}

const orderDetailRow = z.object({
  order_id: z.string(),
  tenant_id: z.string(),
  customer_account_id: z.string(),
  order_status: z.enum(ORDER_STATUSES),
  correlation_id: z.string(),
  order_snapshot: z.unknown(),
  created_at: z.number(),
  updated_at: z.number(),
});
export type OrderDetailRow = z.infer<typeof orderDetailRow>;

/** The whole order row (the operator's order page). */
export async function findOrderDetail(db: CommonQueryMethods, orderId: string): Promise<OrderDetailRow | null> {
  return db.maybeOne(sql.type(orderDetailRow)`
    select order_id, tenant_id, customer_account_id, order_status, correlation_id, order_snapshot, created_at, updated_at
    from customer_order where order_id = ${orderId}`);
}

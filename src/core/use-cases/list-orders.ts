// Use case: the operator console's order list, newest first, one page at a time. Incidents and
// user tasks are the engine's data: the page matches them to orders by process instance key.
import type { CommonQueryMethods } from 'slonik';
import { listOrdersForOperator, ORDER_LIST_VIEWS, type OrderListView } from '../../repositories/customer-order.ts';
import type { OrderStatus } from '../domain/order.ts';

export { ORDER_LIST_VIEWS, type OrderListView };

export interface OrderListQuery {
  readonly status?: OrderStatus | undefined;
  readonly view?: OrderListView | undefined;
  /** the start of an order id */
  readonly q?: string | undefined;
  /** orders running as these process instances (what the console asks for the engine's incidents and user tasks) */
  readonly processInstanceKeys?: readonly string[] | undefined;
  readonly limit: number;
  /** from the previous page's nextCursor */
  readonly cursor?: string | undefined;
}

export interface OrderListEntry {
  readonly orderId: string;
  readonly tenantId: string;
  readonly customerAccountId: string;
  readonly status: OrderStatus;
  readonly fallout: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly processInstanceKey: string | null;
  readonly openCaseCount: number;
}

export type OrderListResult =
  | { readonly kind: 'page'; readonly orders: readonly OrderListEntry[]; readonly nextCursor: string | null }
  | { readonly kind: 'bad-cursor' };

/** The cursor is the last order's creation time (to the microsecond, as stored) and id, opaque to the page. */
const encodeCursor = (cursorAt: string, orderId: string): string => Buffer.from(JSON.stringify([cursorAt, orderId])).toString('base64url');

function decodeCursor(cursor: string): { cursorAt: string; orderId: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [cursorAt, orderId] = value as unknown[];
    // an ISO timestamp as PostgreSQL's to_json writes it: anything else is not one of ours
    if (typeof cursorAt !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?([+-]\d\d(:\d\d)?|Z)$/.test(cursorAt)) return undefined;
    if (typeof orderId !== 'string' || orderId.length === 0 || orderId.length > 100) return undefined;
    return { cursorAt, orderId };
  } catch {
    return undefined;
  }
}

export async function listOrders(db: CommonQueryMethods, query: OrderListQuery): Promise<OrderListResult> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (query.cursor !== undefined && !after) return { kind: 'bad-cursor' };
  // one more than asked tells whether there is a next page
  const rows = await listOrdersForOperator(db, { status: query.status, view: query.view, orderIdPrefix: query.q, processInstanceKeys: query.processInstanceKeys, limit: query.limit + 1, after });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    kind: 'page',
    orders: page.map((r) => ({
      orderId: r.order_id,
      tenantId: r.tenant_id,
      customerAccountId: r.customer_account_id,
      status: r.order_status,
      fallout: r.order_status === 'FALLOUT',
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
      processInstanceKey: r.process_instance_key,
      openCaseCount: r.open_case_count,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.cursor_at, last.order_id) : null,
  };
}

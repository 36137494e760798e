// The shapes of the farm's operator API (contracts/openapi/operator.yaml) the page reads, and the
// engine searches that add what only the engine knows (incidents, user tasks waiting for a person).
import { getJson, search } from './api.ts';

export interface OrderListEntry {
  readonly orderId: string;
  readonly tenantId?: string;
  readonly customerAccountId: string;
  readonly status: string;
  readonly fallout: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly processInstanceKey: string | null;
  readonly openCaseCount: number;
}

export interface Incident {
  readonly incidentKey: string;
  readonly processInstanceKey: string;
  readonly elementId: string;
  readonly elementInstanceKey?: string;
  readonly errorType: string;
  readonly errorMessage: string;
  readonly state: string;
  readonly creationTime?: string;
}

export interface UserTask {
  readonly userTaskKey: string;
  readonly name?: string;
  readonly elementId: string;
  readonly processInstanceKey: string;
  readonly assignee?: string | null;
  readonly state: string;
  readonly creationDate?: string;
}

export const listOrders = (query: URLSearchParams): Promise<{ orders: OrderListEntry[]; nextCursor?: string | null }> => getJson(`/operator/orders?${query.toString()}`);
/** The order id of each of these process instances that runs an order (asked 100 keys at a time). */
export async function orderIdsOfInstances(processInstanceKeys: readonly string[]): Promise<Map<string, string>> {
  const keys = [...new Set(processInstanceKeys)];
  const chunks: string[][] = [];
  for (let start = 0; start < keys.length; start += 100) chunks.push(keys.slice(start, start + 100));
  const pages = await Promise.all(chunks.map((chunk) => listOrders(new URLSearchParams({ instance: chunk.join(','), limit: '100' }))));
  return new Map(pages.flatMap((page) => page.orders).flatMap((order) => (order.processInstanceKey === null ? [] : [[order.processInstanceKey, order.orderId] as const])));
}

export const activeIncidents = (filter: Record<string, unknown> = {}): Promise<Incident[]> => search<Incident>('incidents', { state: 'ACTIVE', ...filter }, { newestBy: 'creationTime' });
export const openUserTasks = (filter: Record<string, unknown> = {}): Promise<UserTask[]> => search<UserTask>('user-tasks', { state: 'CREATED', ...filter }, { newestBy: 'creationDate' });

// Which simulator faults the chaos run installs for which order, decided by the order's position in
// the batch (so every run of N orders injects the same mix), and where each order should end: a
// transient fault (5xx, 429) or an answer lost after the system acted (timeout after commit) must
// still complete the order, without a second side effect; a malformed success body is a contract
// breach and stops the order in an incident for a person — unless the job runs again (its replica
// was killed before the engine heard the incident): then the call is not resent but reconciled,
// and the order may complete from what the reconciler observed ('incident-or-reconciled').
import type { OrderRequest } from '../../src/core/domain/order.ts';

export type FaultKind = 'none' | 'transient' | 'timeout-after-commit' | 'malformed';

export interface PlannedOrder {
  readonly order: OrderRequest;
  readonly kind: FaultKind;
  /** e.g. "billing 503 ×2" */
  readonly label: string;
  readonly rules: readonly Record<string, unknown>[];
  readonly expect: 'completed' | 'incident-or-reconciled';
}

/** Longer than the farm's response timeout in the benches (2 s): the answer is lost, the effect is not. */
export const TIMEOUT_AFTER_COMMIT_MS = 3_000;

type Target = { readonly system: string; readonly operation: string; readonly match: (o: OrderRequest) => Record<string, unknown> };

const T = {
  crm: { system: 'crm', operation: 'getAccount', match: (o) => ({ custNo: o.customerAccountId }) },
  inventory: { system: 'inventory', operation: 'createReservation', match: (o) => ({ itemRef: o.items[0]?.orderItemId }) },
  provisioning: { system: 'provisioning', operation: 'submitServiceOrder', match: (o) => ({ itemRef: o.items[0]?.orderItemId }) },
  billing: { system: 'billing', operation: 'activateSubscription', match: (o) => ({ subscriptionId: o.subscription.subscriptionId }) },
  notification: { system: 'notification', operation: 'sendMessage', match: (o) => ({ to: o.contact.email }) },
} satisfies Record<string, Target>;

const rule = (t: Target, o: OrderRequest, fault: unknown, times = 1) => ({ system: t.system, operation: t.operation, match: t.match(o), fault, times });

/** The fault of the order at position i (0-based), if any. */
function faultAt(i: number, o: OrderRequest): Omit<PlannedOrder, 'order'> {
  const tac = (t: Target) => ({ kind: 'timeout-after-commit' as const, label: `${t.system} timeout after commit`, rules: [rule(t, o, { type: 'timeout-after-commit', ms: TIMEOUT_AFTER_COMMIT_MS })], expect: 'completed' as const });
  const malformed = (t: Target) => ({ kind: 'malformed' as const, label: `${t.system} malformed body`, rules: [rule(t, o, { type: 'malformed' })], expect: 'incident-or-reconciled' as const });
  // 4 % malformed (one per system that answers with a body we map), 10 % timeout after commit, 50 % transient
  switch (i % 100) {
    case 8:
      return malformed(T.inventory);
    case 9:
      return malformed(T.billing);
    case 18:
      return malformed(T.crm);
    case 19:
      return malformed(T.notification);
  }
  switch (i % 40) {
    case 6:
      return tac(T.billing);
    case 7:
      return tac(T.inventory);
    case 16:
      return tac(T.provisioning);
    case 17:
      return tac(T.notification);
  }
  const transient = (label: string, r: Record<string, unknown>) => ({ kind: 'transient' as const, label, rules: [r], expect: 'completed' as const });
  switch (i % 10) {
    case 1:
      return transient('billing 503 ×2', rule(T.billing, o, { type: 'status', status: 503 }, 2));
    case 2:
      return transient('inventory 429 (Retry-After 1 s)', rule(T.inventory, o, { type: 'status', status: 429, retryAfterSeconds: 1 }));
    case 3:
      return transient('crm 500', rule(T.crm, o, { type: 'status', status: 500 }));
    case 4:
      return transient('provisioning 503', rule(T.provisioning, o, { type: 'status', status: 503 }));
    case 5:
      return transient('notification 502', rule(T.notification, o, { type: 'status', status: 502 }));
  }
  return { kind: 'none', label: 'no fault', rules: [], expect: 'completed' };
}

export function planFaults(orders: readonly OrderRequest[]): PlannedOrder[] {
  return orders.map((order, i) => ({ order, ...faultAt(i, order) }));
}

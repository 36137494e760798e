// The demo batch: mostly ordinary orders, plus one of each kind of trouble the farm must handle.
// Each scenario says how to build its order, which simulator faults it needs, and where it must end.
import { randomUUID } from 'node:crypto';
import type { OrderRequest } from '../../src/core/domain/order.ts';
import { sampleOrder } from './sample-orders.ts';

/** Where an order must end up for the demo to count it as handled correctly. */
export type Expectation =
  | { readonly status: 'COMPLETED' | 'REJECTED' | 'FALLOUT' | 'CANCELLED' }
  | { readonly waitsFor: 'user-task'; readonly elementId: string }
  | { readonly waitsFor: 'incident'; readonly elementId: string; readonly reconciliationCase: boolean };

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly order: OrderRequest;
  readonly faults: readonly Record<string, unknown>[];
  readonly expect: Expectation;
}

const uid = () => randomUUID().slice(0, 6);

export function demoScenarios(ordinaryOrders: number): Scenario[] {
  const ordinary = Array.from({ length: ordinaryOrders }, (_, i): Scenario => ({
    name: `ordinary-${i + 1}`,
    description: `${(i % 2) + 1} item(s), no trouble`,
    order: sampleOrder({ items: (i % 2) + 1 }),
    faults: [],
    expect: { status: 'COMPLETED' },
  }));
  const retried = sampleOrder();
  const throttled = sampleOrder();
  const ambiguous = sampleOrder();
  return [
    ...ordinary,
    {
      name: 'billing-503-twice',
      description: 'billing answers 503 twice; retried with backoff',
      order: retried,
      faults: [{ system: 'billing', operation: 'activateSubscription', match: { subscriptionId: retried.subscription.subscriptionId }, fault: { type: 'status', status: 503 }, times: 2 }],
      expect: { status: 'COMPLETED' },
    },
    {
      name: 'inventory-429',
      description: 'inventory throttles (429, Retry-After 1 s)',
      order: throttled,
      faults: [{ system: 'inventory', operation: 'createReservation', match: { itemRef: throttled.items[0]?.orderItemId }, fault: { type: 'status', status: 429, retryAfterSeconds: 1 }, times: 1 }],
      expect: { status: 'COMPLETED' },
    },
    { name: 'customer-suspended', description: 'CRM: account suspended (business rejection)', order: sampleOrder({ customerAccountId: `CUST-SUSPENDED-${uid()}` }), faults: [], expect: { status: 'REJECTED' } },
    { name: 'out-of-stock', description: 'inventory: second item out of stock; first released', order: sampleOrder({ items: 2, stock: 0 }), faults: [], expect: { status: 'REJECTED' } },
    { name: 'provisioning-fails', description: 'provisioning ends in ERR; compensation', order: sampleOrder({ serviceSpecificationCode: 'SPEC-FAIL' }), faults: [], expect: { status: 'FALLOUT' } },
    {
      name: 'billing-rejected',
      description: 'billing refuses the account; a person decides (a user task)',
      order: sampleOrder({ billingAccountId: `BA-REJECT-${uid()}` }),
      faults: [],
      expect: { waitsFor: 'user-task', elementId: 'UserTask_ResolveBillingFallout' },
    },
    {
      name: 'billing-ambiguous',
      description: 'billing commits, then times out: the reconciler finds the activation, the job resumes',
      order: ambiguous,
      faults: [{ system: 'billing', operation: 'activateSubscription', match: { subscriptionId: ambiguous.subscription.subscriptionId }, fault: { type: 'timeout-after-commit', ms: 15_000 }, times: 1 }],
      expect: { status: 'COMPLETED' },
    },
  ];
}

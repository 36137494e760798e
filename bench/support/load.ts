// Putting orders in: through the intake for the farm (the order stored, then the process started by
// message, as in production), or straight to the engine for the bare baseline (the same start
// message with the same variables, nothing stored). Both with a bounded number of requests at once.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Zeebe } from '@camunda8/sdk';
import { sampleOrder } from '../../tools/demo/sample-orders.ts';
import { MESSAGES } from '../../src/core/domain/bpmn-errors.ts';
import type { OrderRequest } from '../../src/core/domain/order.ts';
import type { Config } from '../../src/platform/config.ts';
import type { FulfillmentHarness } from '../../test/support/fulfillment-harness.ts';

/** Runs fn over the items with at most `parallel` at once, in order of the items. */
export async function inParallel<T, R>(items: readonly T[], parallel: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, lane));
  return results;
}

/** Submits orders to the intake (POST /orders with an Idempotency-Key); returns their ids. */
export function submitToIntake(h: FulfillmentHarness, orders: readonly OrderRequest[], parallel: number): Promise<string[]> {
  return inParallel(orders, parallel, (o) => h.submitOrder(o));
}

export const ordinaryOrders = (n: number, items: number): OrderRequest[] => Array.from({ length: n }, () => sampleOrder({ items }));

export const ordinaryOrder = (items: number): OrderRequest => sampleOrder({ items });

/** Starts bare instances of the model copy `suffix` with the intake's start message. */
export async function startBareInstances(zeebe: Zeebe.ZeebeGrpcClient, config: Config, suffix: string, orders: readonly OrderRequest[], parallel: number): Promise<void> {
  await inParallel(orders, parallel, async (o) => {
    const orderId = `bare-${randomUUID()}`;
    await zeebe.publishMessage({
      name: `${MESSAGES.orderAccepted}-${suffix}`,
      correlationKey: orderId,
      messageId: orderId,
      variables: {
        orderId,
        tenantId: o.tenantId,
        correlationId: randomUUID(),
        orderItemIds: o.items.map((i) => i.orderItemId),
        provisioningPollCycle: config.PROVISIONING_POLL_CYCLE,
        provisioningSla: config.PROVISIONING_SLA,
      } as never,
      timeToLive: 60 * 60_000,
    });
  });
}

/** Polls until done() holds; calls tick() on each poll; false when the deadline passed first. */
export async function waitFor(done: () => boolean, opts: { readonly timeoutMs: number; readonly pollMs?: number; readonly tick?: () => void }): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    opts.tick?.();
    if (done()) return true;
    if (Date.now() > deadline) return false;
    await sleep(opts.pollMs ?? 100);
  }
}

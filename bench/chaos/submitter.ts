// Orders into the intake at a steady rate while the stack is being broken: each order keeps its
// Idempotency-Key across retries, so an answer lost to an outage (or a 503 "stored, not started
// yet") is retried without ever making a second order.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FulfillmentHarness } from '../../test/support/fulfillment-harness.ts';
import type { PlannedOrder } from './fault-plan.ts';
import { submitUntilAccepted } from '../../src/intake/submission.ts';

export interface Accepted {
  readonly planned: PlannedOrder;
  readonly orderId: string;
  readonly tries: number;
}

export interface SubmissionResult {
  readonly accepted: readonly Accepted[];
  /** orders the intake never accepted within the give-up time (each with its last answer) */
  readonly refused: readonly { readonly planned: PlannedOrder; readonly lastAnswer: string }[];
  /** tries that were answered with something other than 202, or not at all */
  readonly retries: number;
}

export interface Submitter {
  /** how many orders have been accepted so far */
  accepted(): number;
  acceptedIds(): string[];
  readonly done: Promise<SubmissionResult>;
}

export function startSubmitting(h: FulfillmentHarness, planned: readonly PlannedOrder[], o: { readonly ratePerSecond: number; readonly parallel: number; readonly giveUpMs: number }): Submitter {
  const accepted: Accepted[] = [];
  const refused: { planned: PlannedOrder; lastAnswer: string }[] = [];
  let retries = 0;
  let next = 0;
  const started = Date.now();

  const submitOne = async (p: PlannedOrder) => {
    const r = await submitUntilAccepted((key) => h.submit(p.order, key), { idempotencyKey: `chaos-${randomUUID()}`, giveUpMs: o.giveUpMs, onRetry: () => void retries++ });
    if (r.kind === 'accepted') accepted.push({ planned: p, orderId: r.orderId, tries: r.tries });
    else refused.push({ planned: p, lastAnswer: r.lastAnswer });
  };

  const lane = async () => {
    while (next < planned.length) {
      const i = next++;
      // hold the rate: order i goes out no earlier than i / rate seconds after the start
      const due = started + (i * 1000) / o.ratePerSecond;
      if (due > Date.now()) await sleep(due - Date.now());
      await submitOne(planned[i] as PlannedOrder);
    }
  };
  const done = Promise.all(Array.from({ length: o.parallel }, lane)).then(() => ({ accepted, refused, retries }));
  return { accepted: () => accepted.length, acceptedIds: () => accepted.map((a) => a.orderId), done };
}

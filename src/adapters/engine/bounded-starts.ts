// The intake's starts of orders, bounded in number: at most `maxPending` start messages wait on the
// engine at once; one more is refused at once (EngineBusyError), so a slow engine turns into quick
// 503s with Retry-After instead of a growing pile of requests (and their memory) in the intake.
// How long one start waits is the publisher's own deadline (the gateway channel's `within`).
import type { MessagePublisher } from '../../core/ports/message-publisher.ts';
import type { GatewayConnection } from '../../platform/gateway-client.ts';
import { zeebeMessagePublisher } from './message-publisher.ts';

/** A start refused without asking the engine: as many starts as allowed are waiting on it already. */
export class EngineBusyError extends Error {
  override readonly name = 'EngineBusyError';
}

export interface BoundedStarts extends MessagePublisher {
  /** starts waiting on the engine now */
  readonly pending: number;
}

export function boundedStarts(publisher: MessagePublisher, maxPending: number): BoundedStarts {
  let pending = 0;
  return {
    get pending() {
      return pending;
    },
    async publish(message) {
      if (pending >= maxPending) throw new EngineBusyError(`the engine is busy: ${pending} order starts are waiting on it already`);
      pending++;
      try {
        await publisher.publish(message);
      } finally {
        pending--;
      }
    },
  };
}

/**
 * The intake's start publisher: each start waits on the engine at most `engineTimeoutMs` (its
 * command's whole budget on the process's channel) and at most `maxPendingStarts` wait at once.
 */
export function intakeStartPublisher(gateway: Pick<GatewayConnection, 'within'>, limits: { readonly engineTimeoutMs: number; readonly maxPendingStarts: number }): BoundedStarts {
  return boundedStarts(zeebeMessagePublisher(gateway.within(limits.engineTimeoutMs)), limits.maxPendingStarts);
}

// A bound on work in flight: lanes take a permit before they start an instance, a completion gives
// it back. Keeps the engine at a steady queue instead of an ever-growing one.

export interface InFlight {
  acquire(): Promise<void>;
  release(): void;
  /** permits taken and not yet given back */
  readonly taken: number;
  /** wakes every waiting lane (they see `stopped` and end) */
  stop(): void;
  readonly stopped: boolean;
}

export function inFlight(limit: number): InFlight {
  let taken = 0;
  let stopped = false;
  const waiting: (() => void)[] = [];
  return {
    get taken() {
      return taken;
    },
    get stopped() {
      return stopped;
    },
    async acquire() {
      while (taken >= limit && !stopped) await new Promise<void>((resolve) => waiting.push(resolve));
      taken++;
    },
    release() {
      taken = Math.max(0, taken - 1);
      waiting.shift()?.();
    },
    stop() {
      stopped = true;
      for (const wake of waiting.splice(0)) wake();
    },
  };
}

/** Runs `lanes` loops of `step` until `inFlight` is stopped; a failing step is counted, not fatal. */
export async function runLanes(lanes: number, gate: InFlight, step: () => Promise<void>, onError: (err: unknown) => void): Promise<void> {
  const lane = async () => {
    while (!gate.stopped) {
      await gate.acquire();
      if (gate.stopped) {
        gate.release();
        return;
      }
      try {
        await step();
      } catch (err) {
        gate.release();
        onError(err);
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

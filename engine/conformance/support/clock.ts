// The engine clock through REST v2 (PUT /v2/clock pins, POST /v2/clock/reset returns to system
// time). Tests that need it use describeWithClock, skipped with CONFORMANCE_CLOCK=off for clusters
// without clock control. The clock only moves forward here: each pin is past the last one.
import { restOk } from './rest.ts';
import { clockControl } from './target.ts';

let pinnedAt = 0;

/** Pins the engine clock `ms` past now (or past the last pin, whichever is later) and returns it. */
export async function advanceClock(ms: number): Promise<number> {
  pinnedAt = Math.max(Date.now(), pinnedAt) + ms;
  await restOk('PUT', '/clock', { timestamp: pinnedAt });
  return pinnedAt;
}

export async function pinClock(timestamp: number): Promise<void> {
  pinnedAt = Math.max(pinnedAt, timestamp);
  await restOk('PUT', '/clock', { timestamp });
}

/** Back to system time; a no-op when the target has no clock control (CONFORMANCE_CLOCK=off). */
export async function resetClock(): Promise<void> {
  if (clockControl) await restOk('POST', '/clock/reset');
}

export const describeWithClock: jest.Describe = clockControl ? describe : describe.skip;

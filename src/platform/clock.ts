// The wall clock, as the composition roots hand it to the core.
import type { Clock } from '../core/ports/clock.ts';

export const systemClock: Clock = { now: () => new Date() };

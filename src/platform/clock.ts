// The wall clock, as the composition roots hand it to the core. Platform imports nothing of the
// core, so this is typed structurally: it satisfies src/core/ports/clock.ts's Clock.
export const systemClock: { now(): Date } = { now: () => new Date() };

// The engine's one clock: timers, job deadlines, retry backoffs and message TTLs all read it.
// System time unless pinned (PUT /v2/clock); a pinned clock moves only when pinned again, so tests
// can jump forward and watch due work fire. Pinning is itself a journaled command (engine.ts).

export class Clock {
  #pinnedAt: number | undefined;
  readonly #system: () => number;

  constructor(options: { pinnedAt?: number; system?: () => number } = {}) {
    this.#pinnedAt = options.pinnedAt;
    this.#system = options.system ?? Date.now;
  }

  now(): number {
    return this.#pinnedAt ?? this.#system();
  }

  pin(epochMs: number): void {
    this.#pinnedAt = epochMs;
  }

  reset(): void {
    this.#pinnedAt = undefined;
  }

  get pinnedAt(): number | undefined {
    return this.#pinnedAt;
  }
}

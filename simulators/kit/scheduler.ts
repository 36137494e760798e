// Every timer of the simulators goes through a Scheduler, so reset() and close() can cancel all
// of them at once: no stray timeout keeps a test process alive or fires into a closed server.
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();
  private abort = new AbortController();

  /** Aborted by cancelAll(): outgoing calls (callbacks) pass it to fetch. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  /** Resolves true after ms, or false at once when cancelled (the caller then gives up). */
  sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.sleepers.delete(wake);
        resolve(true);
      }, ms);
      const wake = (): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        resolve(false);
      };
      this.timers.add(timer);
      this.sleepers.add(wake);
    });
  }

  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const sleepers = [...this.sleepers];
    this.sleepers.clear();
    for (const wake of sleepers) wake();
    this.abort.abort();
    this.abort = new AbortController();
  }
}

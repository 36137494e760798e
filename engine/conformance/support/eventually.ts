// REST reads on a real cluster are eventually consistent (exported records), and the engine works
// asynchronously after a command is acknowledged: tests wait for what they expect, within a bound.

export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, options: { timeoutMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let last: T | undefined;
  let lastError: unknown;
  for (let pause = 50; ; pause = Math.min(pause * 2, 500)) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = lastError !== undefined && last === undefined ? `error ${String(lastError)}` : JSON.stringify(last)?.slice(0, 800);
      throw new Error(`timed out waiting for ${options.what ?? 'a condition'}; last seen: ${seen}`);
    }
    await sleep(pause);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `assertion` on fresh reads until it passes, then returns; past the timeout it throws the
 * assertion's own error (so the test shows jest's diff). For REST reads that lag on a real cluster.
 */
export async function expectEventually<T>(read: () => Promise<T>, assertion: (value: T) => void, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 50; ; pause = Math.min(pause * 2, 500)) {
    try {
      assertion(await read());
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await sleep(pause);
  }
}

// Progress lines for long runs: elapsed time first, at most one line per interval unless forced.

export interface Progress {
  /** prints when the interval has passed (or always, when forced) */
  line(text: string, force?: boolean): void;
  elapsedS(): number;
}

export function progress(label: string, intervalMs = 5_000): Progress {
  const started = Date.now();
  let last = 0;
  const elapsedS = () => (Date.now() - started) / 1000;
  return {
    elapsedS,
    line(text, force = false) {
      const now = Date.now();
      if (!force && now - last < intervalMs) return;
      last = now;
      console.log(`[${elapsedS().toFixed(0).padStart(4)}s] ${label}: ${text}`);
    },
  };
}

export const say = (text: string) => console.log(text);

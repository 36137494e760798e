// Small statistics for bench figures.

export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** The p-th percentile (0–100) of the values, by linear interpolation between closest ranks. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (rank - lo);
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  return {
    n,
    mean: n ? values.reduce((s, v) => s + v, 0) / n : Number.NaN,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: n ? Math.max(...values) : Number.NaN,
  };
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/** A figure rounded for tables and JSON (NaN stays NaN, shown as "–"). */
export const round = (v: number, digits = 2): number => (Number.isFinite(v) ? Number(v.toFixed(digits)) : Number.NaN);

export const fmt = (v: number | undefined, digits = 2): string => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

export const mb = (bytes: number): number => bytes / (1024 * 1024);

/** A figure over rounds: the median, with the lowest and highest round. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly rounds: number;
}

export function spread(values: readonly number[], digits = 3): Spread {
  const finite = values.filter((v) => Number.isFinite(v));
  return { median: round(median(finite), digits), min: round(finite.length ? Math.min(...finite) : Number.NaN, digits), max: round(finite.length ? Math.max(...finite) : Number.NaN, digits), rounds: finite.length };
}

/** "1.23 (1.10–1.40)": median (min–max) */
export const fmtSpread = (s: Spread, digits = 2): string => `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;

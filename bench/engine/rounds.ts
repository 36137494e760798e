// Figures of repeated rounds: the median with the spread (min, max), as every bench table shows them.
import { median, round } from '../support/stats.ts';

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return { median: round(median(finite), 3), min: round(Math.min(...finite), 3), max: round(Math.max(...finite), 3), n: finite.length };
}

/** "median (min–max)" for a table cell */
export const showSpread = (s: Spread, digits = 1): string =>
  Number.isFinite(s.median) ? `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : '–';

// What the fuzz bench counts per input family: inputs sent, answers by status, latency, and every
// violation of what is expected (with the input that caused it, so it can be replayed).
import { summarize } from '../support/stats.ts';

export interface Violation {
  readonly family: string;
  readonly rule: string;
  readonly detail: string;
  /** the input, as JSON (cut at 2,000 characters) */
  readonly input: string;
}

export interface FamilyFigures {
  readonly family: string;
  readonly inputs: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly violations: number;
}

const MAX_KEPT = 20;

export class Tally {
  readonly family: string;
  private inputs = 0;
  private readonly statuses: Record<string, number> = {};
  private readonly latencies: number[] = [];
  private violationCount = 0;
  readonly violations: Violation[] = [];

  constructor(family: string) {
    this.family = family;
  }

  /** One input and what became of it: an HTTP status, or an outcome such as "parked" or "incident". */
  record(outcome: string | number, latencyMs?: number): void {
    this.inputs++;
    const key = String(outcome);
    this.statuses[key] = (this.statuses[key] ?? 0) + 1;
    if (latencyMs !== undefined) this.latencies.push(latencyMs);
  }

  violate(rule: string, detail: string, input: unknown): void {
    this.violationCount++;
    if (this.violations.length < MAX_KEPT) this.violations.push({ family: this.family, rule, detail, input: describeInput(input) });
  }

  figures(): FamilyFigures {
    const s = summarize(this.latencies);
    return { family: this.family, inputs: this.inputs, statuses: { ...this.statuses }, latencyMs: { p50: s.p50, p99: s.p99, max: s.max }, violations: this.violationCount };
  }
}

export function describeInput(input: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(input, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : Buffer.isBuffer(v) ? `<${v.length} bytes>` : v));
  } catch {
    text = String(input);
  }
  return text.length > 2_000 ? `${text.slice(0, 2_000)}… (${text.length} characters)` : text;
}

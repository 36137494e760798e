// Health as a list of named checks, each bounded by a short timeout and never throwing: a check
// that fails, rejects or hangs is reported as failed with a short reason. Liveness and readiness
// are two such lists (see health-checks.ts for the checks and ops-server.ts for the endpoints).
import { redactText } from './redaction.ts';

export interface HealthCheck {
  readonly name: string;
  /** Resolves (optionally with a short detail) when healthy; rejects with the reason when not. The signal aborts at the timeout. */
  probe(signal: AbortSignal): Promise<string | void>;
  /** releases what the check holds (connections, monitors) */
  close?(): Promise<void> | void;
}

export type CheckResult =
  | { readonly ok: true; readonly detail?: string; readonly durationMs: number }
  | { readonly ok: false; readonly error: string; readonly durationMs: number };

export interface HealthReport {
  readonly status: 'UP' | 'DOWN';
  readonly checks: Readonly<Record<string, CheckResult>>;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;
const MAX_REASON = 200;

/** Runs the checks side by side; UP only when every one of them passed (an empty list is UP). */
export async function checkHealth(checks: readonly HealthCheck[], opts: { readonly timeoutMs?: number } = {}): Promise<HealthReport> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const results = await Promise.all(checks.map(async (c) => [c.name, await runCheck(c, timeoutMs)] as const));
  return { status: results.every(([, r]) => r.ok) ? 'UP' : 'DOWN', checks: Object.fromEntries(results) };
}

export async function runCheck(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    // a probe that throws synchronously is a failure like any other
    const probe = Promise.resolve().then(() => check.probe(abort.signal));
    probe.catch(() => undefined); // a probe still running at the timeout may reject later
    const result = await Promise.race([probe, timedOut]);
    if (result === 'timeout') return { ok: false, error: `no answer within ${timeoutMs} ms`, durationMs: elapsed() };
    return typeof result === 'string' && result.length > 0 ? { ok: true, detail: shortReason(result), durationMs: elapsed() } : { ok: true, durationMs: elapsed() };
  } catch (err) {
    return { ok: false, error: shortReason(reasonOf(err)), durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return reasonOf(err.errors[0]);
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const text = err.message || err.name;
    return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
  }
  return String(err);
}

/** One line, bounded, with credentials in URLs and card numbers removed (reasons are served over HTTP). */
export function shortReason(text: string): string {
  const line = redactText(text.replace(/\s+/g, ' ').trim()).replace(/\/\/[^/@\s]+@/g, '//<redacted>@');
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line;
}

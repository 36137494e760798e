// The logger of the job being handled, for code below the worker handler (application services,
// ExternalCalls) that has no logger parameter: the worker runtime binds its per-job child logger
// (jobKey, processInstanceKey, elementId, orderId, tenantId, …) around the handler, so every line
// logged on the job's behalf carries the same fields without passing them by hand.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

const current = new AsyncLocalStorage<Logger>();

export function withLogContext<T>(log: Logger, fn: () => T): T {
  return current.run(log, fn);
}

/** The job's logger when called on a job's behalf, else the fallback. */
export function contextLog(fallback: Logger): Logger;
export function contextLog(fallback?: Logger): Logger | undefined;
export function contextLog(fallback?: Logger): Logger | undefined {
  return current.getStore() ?? fallback;
}

/**
 * Fields not already bound to the logger with the same value: pino writes a child's bindings and a
 * record's fields side by side, so a repeated key would appear twice in one JSON line.
 */
export function unboundFields(log: Logger, fields: Record<string, unknown>): Record<string, unknown> {
  const bound = log.bindings();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && bound[k] !== v) out[k] = v;
  return out;
}

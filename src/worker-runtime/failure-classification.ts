// Errors a handler did not turn into an engine decision: an unavailable database or broker is an
// infrastructure outage (wait, keep the job's retries); anything else is a defect (count a retry).
import { BackendTerminatedError, ConnectionError, StatementTimeoutError } from 'slonik';

const INFRASTRUCTURE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08006', '08001', '08004']);

export function isInfrastructureError(err: unknown): boolean {
  if (err instanceof ConnectionError || err instanceof BackendTerminatedError || err instanceof StatementTimeoutError) return true;
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && INFRASTRUCTURE_CODES.has(code)) return true;
    if (/connection terminated|Connection terminated|timeout exceeded when trying to connect/i.test(String((current as Error).message))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

// Errors a handler did not turn into an engine decision: an unavailable database, broker or engine
// is an infrastructure outage (wait, keep the job's retries); anything else is a defect (count a
// retry). The engine's gRPC answers UNAVAILABLE (restart, leader change), RESOURCE_EXHAUSTED
// (backpressure), DEADLINE_EXCEEDED and ABORTED say "not now", never "this job is wrong". Zeebe's
// gateway answers ABORTED when its connection to a broker closed mid-request (camunda/camunda#20066,
// seen while a broker starts under load); the request may have been applied, which a job's re-run
// must tolerate anyway (its engine commands carry message ids, its calls go through the ledger).
import { BackendTerminatedError, ConnectionError, StatementTimeoutError } from 'slonik';

const INFRASTRUCTURE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08006', '08001', '08004']);
/** gRPC status codes DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, UNAVAILABLE */
const GRPC_NOT_NOW = new Set([4, 8, 10, 14]);
const GRPC_NOT_NOW_TEXT = /^\d+ (UNAVAILABLE|RESOURCE_EXHAUSTED|DEADLINE_EXCEEDED|ABORTED):/;

export function isInfrastructureError(err: unknown): boolean {
  if (err instanceof ConnectionError || err instanceof BackendTerminatedError || err instanceof StatementTimeoutError) return true;
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && INFRASTRUCTURE_CODES.has(code)) return true;
    if (typeof code === 'number' && GRPC_NOT_NOW.has(code) && 'details' in (current as object)) return true;
    if (GRPC_NOT_NOW_TEXT.test(String((current as Error).message))) return true;
    if (/connection terminated|Connection terminated|timeout exceeded when trying to connect/i.test(String((current as Error).message))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

// Classifies what went wrong below HTTP (no usable response): was the request possibly received by
// the external system? That single fact decides between "retry" and "reconcile first".
import { RequestError, TimeoutError } from 'got';

export interface TransportFailure {
  readonly category: 'CONNECTION_FAILED' | 'TIMEOUT';
  /** true when the request body was fully written: the external system may have acted on it */
  readonly sent: boolean;
  readonly message: string;
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ERR_INVALID_URL']);

export function classifyTransportError(err: unknown): TransportFailure {
  if (err instanceof TimeoutError) {
    // got reports which phase timed out; the upload timing says whether the body left us
    const sent = err.timings?.upload !== undefined && !['lookup', 'connect', 'secureConnect'].includes(err.event);
    return { category: 'TIMEOUT', sent, message: `no answer within the ${err.event} timeout` };
  }
  if (err instanceof RequestError) {
    const code = err.code;
    const sent = !NOT_SENT_CODES.has(code) && err.timings?.upload !== undefined;
    return { category: 'CONNECTION_FAILED', sent, message: `${code}: ${err.message}` };
  }
  return { category: 'CONNECTION_FAILED', sent: false, message: err instanceof Error ? err.message : String(err) };
}

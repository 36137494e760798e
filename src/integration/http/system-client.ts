// The one HTTP client every adapter uses: got for transport and timeouts, cockatiel for a circuit
// breaker and a bulkhead per external system and a short immediate retry for connections that
// never got through. It never throws: every call ends in an HttpOutcome, and `failureOf` turns the
// non-successful ones into the taxonomy (seed 000 §6/§7).
// A response body is read only up to maxResponseBytes (EXTERNAL_MAX_RESPONSE_BYTES): a larger
// Content-Length is refused as soon as the headers arrive, and a streamed body is cut once it passes
// the limit. Either way the answer is a malformed response (SCHEMA_MISMATCH via parseError), whose
// message names the limit and its setting, never the body.
import { ConsecutiveBreaker, ConstantBackoff, bulkhead, circuitBreaker, handleWhenResult, isBrokenCircuitError, isBulkheadRejectedError, retry, wrap, CircuitState, type IPolicy } from 'cockatiel';
import got, { CancelError, type Got } from 'got';
import type { Exchange, ExternalResult, ExternalSystem } from '../../core/ports/external-result.ts';
import { redact, redactText } from '../../platform/redaction.ts';
import { parseRetryAfter } from './retry-after.ts';
import { classifyTransportError, type TransportFailure } from './transport-failure.ts';

export interface SystemClientOptions {
  readonly system: ExternalSystem;
  readonly baseUrl: string;
  /** Headers that authenticate us (never stored: snapshots are redacted). */
  readonly credentials?: () => Record<string, string>;
  /** Seed 000 §7.1: connect 2 s, read 10 s. */
  readonly connectTimeoutMs?: number;
  readonly responseTimeoutMs?: number;
  readonly breaker?: { readonly consecutiveFailures: number; readonly halfOpenAfterMs: number };
  readonly bulkhead?: { readonly limit: number; readonly queue: number };
  /** largest response body read (EXTERNAL_MAX_RESPONSE_BYTES); default 1 MiB */
  readonly maxResponseBytes?: number;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** A system's breaker opens after this many failed calls in a row and lets a probe through after halfOpenAfterMs. */
export const DEFAULT_BREAKER = { consecutiveFailures: 5, halfOpenAfterMs: 10_000 } as const;

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly searchParams?: Record<string, string>;
}

export type HttpOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: Record<string, string | string[] | undefined>;
      /** parsed JSON body; undefined when empty or not JSON (see parseError) */
      readonly body: unknown;
      readonly parseError?: string | undefined;
      readonly exchange: Exchange;
    }
  | { readonly kind: 'transport'; readonly failure: TransportFailure; readonly exchange: Exchange }
  /** not sent; `retryAfterMs` for an open circuit: until it lets a probe through */
  | { readonly kind: 'refused'; readonly reason: 'CIRCUIT_OPEN' | 'BULKHEAD_FULL'; readonly message: string; readonly retryAfterMs?: number | undefined; readonly exchange: Exchange }
  /** not sent: the tenant has no usable configuration or credential for the system (the message says what to set) */
  | { readonly kind: 'unconfigured'; readonly message: string; readonly exchange: Exchange };

/** What an adapter sends through: a SystemHttpClient, or the per-tenant routing in src/adapters/tenant-adapters.ts. */
export interface HttpSender {
  send(req: HttpRequest): Promise<HttpOutcome>;
}

const countsAgainstCircuit = (o: unknown): boolean => {
  const outcome = o as HttpOutcome;
  return outcome.kind === 'transport' || (outcome.kind === 'response' && outcome.status >= 500);
};
const connectionNeverMade = (o: unknown): boolean => {
  const outcome = o as HttpOutcome;
  return outcome.kind === 'transport' && outcome.failure.category === 'CONNECTION_FAILED' && !outcome.failure.sent;
};

export class SystemHttpClient implements HttpSender {
  readonly system: ExternalSystem;
  private readonly http: Got;
  private readonly policy: IPolicy;
  private readonly breaker;
  private readonly credentials: (() => Record<string, string>) | undefined;
  private readonly maxResponseBytes: number;
  private readonly halfOpenAfterMs: number;
  /** when the circuit last opened (epoch ms) */
  private openedAt = 0;

  constructor(opts: SystemClientOptions) {
    this.system = opts.system;
    this.credentials = opts.credentials;
    this.maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.http = got.extend({
      prefixUrl: opts.baseUrl,
      throwHttpErrors: false,
      retry: { limit: 0 }, // retries are decided by the ledger and the engine, not by got
      followRedirect: false,
      timeout: { lookup: 1_000, connect: opts.connectTimeoutMs ?? 2_000, response: opts.responseTimeoutMs ?? 10_000, request: (opts.responseTimeoutMs ?? 10_000) + (opts.connectTimeoutMs ?? 2_000) },
      responseType: 'text',
    });
    this.halfOpenAfterMs = (opts.breaker ?? DEFAULT_BREAKER).halfOpenAfterMs;
    this.breaker = circuitBreaker(handleWhenResult(countsAgainstCircuit), {
      halfOpenAfter: this.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker((opts.breaker ?? DEFAULT_BREAKER).consecutiveFailures),
    });
    this.breaker.onBreak(() => (this.openedAt = Date.now()));
    const immediateRetry = retry(handleWhenResult(connectionNeverMade), { maxAttempts: 1, backoff: new ConstantBackoff(200) });
    const isolation = bulkhead(opts.bulkhead?.limit ?? 16, opts.bulkhead?.queue ?? 64);
    this.policy = wrap(isolation, immediateRetry, this.breaker);
  }

  /** Open circuit = calls refused locally (half-open lets a probe through); exposed for health and metrics. */
  get circuitOpen(): boolean {
    return this.breaker.state === CircuitState.Open || this.breaker.state === CircuitState.Isolated;
  }

  onCircuitChange(listener: (open: boolean) => void): void {
    this.breaker.onStateChange((state) => listener(state === CircuitState.Open || state === CircuitState.Isolated));
  }

  async send(req: HttpRequest): Promise<HttpOutcome> {
    const requestSnapshot = redact({ method: req.method, path: req.path, headers: req.headers ?? {}, body: req.body, query: req.searchParams });
    try {
      return (await this.policy.execute(() => this.once(req, requestSnapshot))) as HttpOutcome;
    } catch (err) {
      if (isBrokenCircuitError(err)) {
        // a job retried before the breaker lets a probe through would only spend a retry on it
        const retryAfterMs = Math.max(this.openedAt + this.halfOpenAfterMs - Date.now(), Math.min(1_000, this.halfOpenAfterMs));
        return { kind: 'refused', reason: 'CIRCUIT_OPEN', message: `circuit open for ${this.system}: recent calls failed, not sending (next probe in ${Math.ceil(retryAfterMs / 1000)} s)`, retryAfterMs, exchange: { request: requestSnapshot } };
      }
      if (isBulkheadRejectedError(err)) return { kind: 'refused', reason: 'BULKHEAD_FULL', message: `too many concurrent calls to ${this.system}, not sending`, exchange: { request: requestSnapshot } };
      throw err;
    }
  }

  private async once(req: HttpRequest, requestSnapshot: unknown): Promise<HttpOutcome> {
    const started = performance.now();
    const limit = this.maxResponseBytes;
    let oversized: { readonly bytes: number; readonly declared: boolean } | undefined;
    try {
      const request = this.http(req.path.replace(/^\//, ''), {
        method: req.method,
        headers: { accept: 'application/json', ...this.credentials?.(), ...req.headers },
        ...(req.body === undefined ? {} : { json: req.body }),
        ...(req.searchParams ? { searchParams: req.searchParams } : {}),
      });
      // the first progress event comes with the headers (total = Content-Length, when declared)
      request.on('downloadProgress', (progress: { transferred: number; total?: number }) => {
        if (oversized) return;
        if (progress.total !== undefined && progress.total > limit) oversized = { bytes: progress.total, declared: true };
        else if (progress.transferred > limit) oversized = { bytes: progress.transferred, declared: false };
        if (oversized) request.cancel();
      });
      const res = await request;
      const latencyMs = Math.round(performance.now() - started);
      let body: unknown;
      let parseError: string | undefined;
      if (res.body.length > 0) {
        try {
          body = JSON.parse(res.body);
        } catch (e) {
          parseError = `response body is not JSON (${(e as Error).message.slice(0, 80)})`;
        }
      }
      return {
        kind: 'response',
        status: res.statusCode,
        headers: res.headers,
        body,
        parseError,
        exchange: { request: requestSnapshot, response: redact(body ?? (res.body.length ? res.body.slice(0, 2_000) : undefined)), httpStatus: res.statusCode, latencyMs },
      };
    } catch (err) {
      const latencyMs = Math.round(performance.now() - started);
      const response = (err as { response?: { statusCode: number; headers: Record<string, string | string[] | undefined> } }).response;
      if (oversized && err instanceof CancelError && response) {
        const { bytes, declared } = oversized;
        const status = response.statusCode;
        const headers = response.headers;
        const size = declared ? `declares ${bytes} bytes (Content-Length)` : `passed ${bytes} bytes and was cut off`;
        const parseError = `the response body ${size}, over the limit of ${limit} bytes: not read. Next: ask the ${this.system} owners why the answer is that large, or raise EXTERNAL_MAX_RESPONSE_BYTES if it is legitimate`;
        return { kind: 'response', status, headers, body: undefined, parseError, exchange: { request: requestSnapshot, httpStatus: status, latencyMs } };
      }
      return { kind: 'transport', failure: classifyTransportError(err), exchange: { request: requestSnapshot, latencyMs } };
    }
  }
}

export type FailureResult = Extract<ExternalResult<never>, { kind: 'failed' | 'ambiguous' | 'rejected' }>;

/**
 * The generic reading of an outcome that is not a success the adapter understood. `sideEffect`
 * says whether the operation changes the external system: for those, a request that may have
 * arrived without an answer is ambiguous (reconcile first); for reads it is a plain timeout.
 */
export function failureOf(outcome: HttpOutcome, opts: { readonly sideEffect: boolean }): FailureResult {
  const { exchange } = outcome;
  if (outcome.kind === 'unconfigured') return { kind: 'failed', category: 'AUTH_FAILED', retryable: false, sent: false, message: outcome.message, exchange };
  if (outcome.kind === 'refused') return { kind: 'failed', category: 'CONNECTION_FAILED', retryable: true, sent: false, message: outcome.message, retryAfterMs: outcome.retryAfterMs, exchange };
  if (outcome.kind === 'transport') {
    const f = outcome.failure;
    if (f.sent && opts.sideEffect) return { kind: 'ambiguous', message: `request sent, then ${f.message}`, exchange };
    return { kind: 'failed', category: f.category, retryable: true, sent: f.sent, message: f.message, exchange };
  }
  const { status } = outcome;
  const detail = describe(outcome.body);
  if (status === 401 || status === 403) return { kind: 'failed', category: 'AUTH_FAILED', retryable: false, sent: true, message: `HTTP ${status}: credentials refused${detail}`, exchange };
  if (status === 429) {
    return { kind: 'failed', category: 'RATE_LIMITED', retryable: true, sent: true, message: `HTTP 429: rate limited${detail}`, retryAfterMs: parseRetryAfter(header(outcome.headers['retry-after'])), exchange };
  }
  if (status === 504 && opts.sideEffect) return { kind: 'ambiguous', message: `HTTP 504: the external system's gateway gave up waiting${detail}`, exchange };
  if (status >= 500) {
    return { kind: 'failed', category: 'SERVER_ERROR', retryable: true, sent: true, message: `HTTP ${status}${detail}`, retryAfterMs: parseRetryAfter(header(outcome.headers['retry-after'])), exchange };
  }
  if (status === 409) return { kind: 'failed', category: 'CONFLICT', retryable: false, sent: true, message: `HTTP 409: conflicting state${detail}`, exchange };
  if (status >= 400) return { kind: 'rejected', category: 'VALIDATION_REJECTED', reasonCode: `HTTP_${status}`, reasonMessage: `HTTP ${status}${detail}`, exchange };
  if (outcome.parseError) return { kind: 'failed', category: 'SCHEMA_MISMATCH', retryable: false, sent: true, message: outcome.parseError, exchange };
  return { kind: 'failed', category: 'SCHEMA_MISMATCH', retryable: false, sent: true, message: `unexpected HTTP ${status}`, exchange };
}

/** The response did not match the contract the adapter expects (a zod issue list, say). */
export function schemaMismatch(outcome: Extract<HttpOutcome, { kind: 'response' }>, what: string): FailureResult {
  return { kind: 'failed', category: 'SCHEMA_MISMATCH', retryable: false, sent: true, message: `unexpected response shape: ${what}`.slice(0, 500), exchange: outcome.exchange };
}

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

function describe(body: unknown): string {
  if (!body || typeof body !== 'object') return '';
  const b = body as Record<string, unknown>;
  // the spellings of the external systems' error bodies (errCd/errMsg: CRM and provisioning)
  const code = b.code ?? b.errorCode ?? b.errCd ?? b.error;
  const msg = b.message ?? b.errMsg ?? b.detail;
  const parts = [code, msg].filter((x) => typeof x === 'string' && x.length > 0) as string[];
  // the external system's own text: it may echo what we sent (a credential, a card number)
  return parts.length ? ` (${redactText(parts.join(': ')).slice(0, 200)})` : '';
}

// autocannon (MIT) ships no types: the part of its API the load bench uses, typed here.
import { createRequire } from 'node:module';

export interface CannonRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** makes each request (unique keys); returns the request to send */
  setupRequest?(req: CannonRequest, context: Record<string, unknown>): CannonRequest;
  /** every answer, with its headers */
  onResponse?(status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>): void;
}

export interface CannonOptions {
  readonly url: string;
  readonly connections: number;
  readonly duration: number;
  /** seconds before a request counts as timed out */
  readonly timeout: number;
  readonly requests: readonly CannonRequest[];
  readonly headers?: Record<string, string>;
}

export interface CannonHistogram {
  readonly average: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly total?: number;
}

export interface CannonResult {
  readonly requests: CannonHistogram;
  readonly latency: CannonHistogram;
  readonly throughput: CannonHistogram;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly duration: number;
  readonly statusCodeStats?: Readonly<Record<string, { readonly count: number }>>;
  readonly '1xx': number;
  readonly '2xx': number;
  readonly '3xx': number;
  readonly '4xx': number;
  readonly '5xx': number;
}

type Autocannon = (opts: CannonOptions & { readonly bailout?: number }) => Promise<CannonResult>;

export const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

// Putting one order into the intake until it is accepted, the way a client of POST /orders should:
// every try of the order carries the same Idempotency-Key, so an answer lost to an outage, or a 503
// "stored, but not started yet" (the engine is still starting, say), is tried again without ever
// making a second order. 4xx answers other than 429 are final: trying again cannot change them.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OrderRequest } from '../core/domain/order.ts';
import type { Clock } from '../core/ports/clock.ts';
import { systemClock } from '../platform/clock.ts';

export interface IntakeAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** seconds, from the Retry-After header */
  readonly retryAfterSeconds?: number | undefined;
}

export type Submission =
  | { readonly kind: 'accepted'; readonly orderId: string; readonly tries: number }
  | { readonly kind: 'refused'; readonly lastAnswer: string; readonly tries: number };

export interface SubmitOptions {
  /** stop trying after this long (default 2 minutes) */
  readonly giveUpMs?: number;
  readonly idempotencyKey?: string;
  /** told of each try that has to be repeated */
  readonly onRetry?: (lastAnswer: string, tries: number) => void;
  /** what the give-up deadline is measured by (default: the wall clock) */
  readonly clock?: Clock;
}

const final = (status: number) => status >= 400 && status < 500 && status !== 429;

export async function submitUntilAccepted(send: (idempotencyKey: string) => Promise<IntakeAnswer>, o: SubmitOptions = {}): Promise<Submission> {
  const key = o.idempotencyKey ?? randomUUID();
  const clock = o.clock ?? systemClock;
  const deadline = clock.now().getTime() + (o.giveUpMs ?? 120_000);
  let last = '';
  for (let tries = 1; ; tries++) {
    let wait = Math.min(5_000, 500 * tries);
    try {
      const res = await send(key);
      if (res.status === 202 && typeof res.body.orderId === 'string') return { kind: 'accepted', orderId: res.body.orderId, tries };
      last = `HTTP ${res.status} ${String(res.body.detail ?? res.body.title ?? '')}`.trim();
      if (final(res.status)) return { kind: 'refused', lastAnswer: last, tries };
      if (res.retryAfterSeconds !== undefined) wait = Math.max(wait, res.retryAfterSeconds * 1000);
    } catch (err) {
      last = (err as Error).message;
    }
    if (clock.now().getTime() + wait > deadline) return { kind: 'refused', lastAnswer: last, tries };
    o.onRetry?.(last, tries);
    await sleep(wait);
  }
}

/** POST /orders of the intake at `baseUrl`; `authorization` gives the bearer header of each try (a token may be renewed between tries). */
export function intakeSender(baseUrl: string, order: OrderRequest, authorization?: () => Promise<{ authorization: string }>): (idempotencyKey: string) => Promise<IntakeAnswer> {
  return async (idempotencyKey) => {
    const bearer = authorization === undefined ? {} : await authorization();
    const res = await fetch(`${baseUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey, ...bearer }, body: JSON.stringify(order), signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { detail: text.slice(0, 200) };
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    return { status: res.status, body, retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined };
  };
}

// Outgoing callbacks (provisioning results), delivered the way a real provider does: POST (signed
// afresh on each attempt, so a retry is not refused as stale), a few retries with growing pauses,
// then give up. It never throws: a dead receiver must not crash the
// simulator, and close() cancels pending retries through the scheduler.
import type { Scheduler } from './scheduler.ts';

export interface CallbackAttempt {
  readonly url: string;
  readonly attempt: number;
  readonly at: string;
  readonly delivered: boolean;
  readonly status?: number;
  readonly error?: string;
}

export interface CallbackDeliveryOptions {
  readonly scheduler: Scheduler;
  /** pause before each retry; its length is the number of retries */
  readonly retryDelaysMs: readonly number[];
  readonly timeoutMs: number;
  readonly onAttempt: (attempt: CallbackAttempt) => void;
  /** the signature headers for the body, as sent */
  readonly sign?: (body: string) => Readonly<Record<string, string>>;
}

/** True when a 2xx answer came back. */
export async function deliverCallback(url: string, body: unknown, options: CallbackDeliveryOptions): Promise<boolean> {
  const cancelled = options.scheduler.signal; // captured: cancelAll() swaps in a fresh signal
  const text = JSON.stringify(body);
  for (let attempt = 1; attempt <= options.retryDelaysMs.length + 1; attempt++) {
    if (attempt > 1) {
      const pause = options.retryDelaysMs[attempt - 2] ?? 0;
      if (!(await options.scheduler.sleep(pause)) || cancelled.aborted) return false;
    }
    const at = new Date().toISOString();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.sign?.(text) },
        body: text,
        signal: AbortSignal.any([cancelled, AbortSignal.timeout(options.timeoutMs)]),
      });
      await response.arrayBuffer().catch(() => undefined); // free the connection
      const delivered = response.ok;
      options.onAttempt({ url, attempt, at, delivered, status: response.status });
      if (delivered) return true;
    } catch (error) {
      if (cancelled.aborted) return false;
      options.onAttempt({ url, attempt, at, delivered: false, error: error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error) });
    }
  }
  return false;
}

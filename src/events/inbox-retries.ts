// Retries from the inbox: events that could not be handled yet, kept with their retry input, are
// handled again once their backoff has passed. Each replica runs this; a claimed row is leased for
// a while, so two replicas never retry the same event at once, and a replica that dies mid-retry
// only delays it until the lease ends. The handlers are given by the composition root (the
// core's, by retry input kind): this plumbing knows no event of its own.
import type { DatabasePool, FragmentSqlToken } from 'slonik';
import { claimDueInboxEvents as claimDue, countFailedInboxRetry, type DueInboxEventRow, type InboxLimits } from '../repositories/inbox-event.ts';
import type { Logger } from '../platform/logger.ts';
import type { InboxStatus } from './inbox.ts';

/** An inbox event due for another try, with what handling it needs again. */
export type DueInboxEvent = DueInboxEventRow;

/** Handles one kind of retry input (`retry_input.kind`) again. */
export type InboxRetryHandler = (row: DueInboxEvent) => Promise<InboxStatus | 'duplicate'>;

const LEASE_SECONDS = 30;
const BATCH = 50;

/** Which inbox events a runner retries: all of them, or those a condition on inbox_event selects. */
export type RetryScope = FragmentSqlToken | undefined;

/** Claims up to `limit` events whose next attempt is due, leasing them for LEASE_SECONDS. */
export const claimDueInboxEvents = (db: DatabasePool, limit: number, scope?: RetryScope): Promise<DueInboxEvent[]> => claimDue(db, { limit, leaseSeconds: LEASE_SECONDS, scope });

/** Claims due events once and hands each to the handler for its kind; returns how many were retried. */
export async function retryDueInboxEvents(db: DatabasePool, handlers: Readonly<Record<string, InboxRetryHandler>>, log: Logger, o: { limit?: number; scope?: RetryScope; limits?: InboxLimits } = {}): Promise<number> {
  const due = await claimDueInboxEvents(db, o.limit ?? BATCH, o.scope);
  for (const row of due) {
    const kind = (row.retryInput as { kind?: unknown } | null)?.kind;
    const handler = typeof kind === 'string' ? handlers[kind] : undefined;
    if (!handler) {
      // kept for an operator: a retry input this version cannot handle is not retried in a loop
      log.warn({ eventId: row.eventId, kind }, 'inbox event has a retry input no handler knows; left for the lease to end');
      continue;
    }
    try {
      const status = await handler(row);
      if (status === 'PARKED_RETRIES_EXHAUSTED') log.error({ eventId: row.eventId, eventType: row.eventType, attempt: row.attempts + 1 }, 'inbox event parked: its handling failed on every attempt');
      else log.info({ eventId: row.eventId, eventType: row.eventType, attempt: row.attempts + 1, inbox: status }, 'inbox event retried');
    } catch (err) {
      await countFailure(db, row, err as Error, log, o.limits);
    }
  }
  return due.length;
}

/** A handler that threw outside the inbox protocol: the attempt is counted, so it too ends parked. */
async function countFailure(db: DatabasePool, row: DueInboxEvent, err: Error, log: Logger, limits: InboxLimits | undefined): Promise<void> {
  try {
    const status = await countFailedInboxRetry(db, row, err.message, limits);
    if (status === 'PARKED_RETRIES_EXHAUSTED') log.error({ eventId: row.eventId, eventType: row.eventType, attempt: row.attempts + 1, err: err.message }, 'inbox event parked: its retry failed on every attempt');
    else log.warn({ eventId: row.eventId, attempt: row.attempts + 1, err: err.message }, 'inbox event retry failed; tried again after its backoff');
  } catch {
    // the database is away: the lease ends and the event is claimed again
    log.warn({ eventId: row.eventId, err: err.message }, `inbox event retry failed; next try when its lease ends (${LEASE_SECONDS} s)`);
  }
}

export interface InboxRetries {
  stop(): Promise<void>;
}

/** Retries due events every `intervalMs` until stopped (the farm runs this whether or not it consumes Kafka). */
export function startInboxRetries(deps: { db: DatabasePool; handlers: Readonly<Record<string, InboxRetryHandler>>; log: Logger; intervalMs?: number; scope?: () => RetryScope }): InboxRetries {
  const intervalMs = deps.intervalMs ?? 1_000;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    running = (async () => {
      try {
        // a full batch means more may be due: go again at once
        while (!stopped && (await retryDueInboxEvents(deps.db, deps.handlers, deps.log, { scope: deps.scope?.() })) === BATCH);
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'inbox retries could not run; trying again');
      }
      if (!stopped) timer = setTimeout(tick, intervalMs);
    })();
  };
  timer = setTimeout(tick, intervalMs);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

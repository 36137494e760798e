// The inbox: one row per consumed event id. An event delivered again (redelivery, a duplicate from
// the producer, the same result by two channels) finds its row and changes nothing; one that can
// never be handled ends PARKED / IGNORED / FAILED_PERMANENT with the reason. One that cannot be
// handled yet stays FAILED_RETRYABLE: if it carries its retry input it is retried from here, with
// backoff (see inbox-retries.ts), so a consumer never holds its partition for it; otherwise the
// caller has it delivered again.
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

export const INBOX_STATUSES = ['RECEIVED', 'PROCESSED', 'IGNORED_UNSUPPORTED_TYPE', 'FAILED_RETRYABLE', 'FAILED_PERMANENT', 'PARKED_CONTRACT_VIOLATION'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

/** What handling an event came to; 'retry-later' leaves it to be delivered again. */
export type InboxVerdict =
  | { readonly status: 'PROCESSED' | 'IGNORED_UNSUPPORTED_TYPE' | 'FAILED_PERMANENT' | 'PARKED_CONTRACT_VIOLATION'; readonly note?: string | undefined }
  | { readonly status: 'retry-later'; readonly note: string };

export interface InboxEntry {
  readonly eventId: string;
  readonly eventType?: string | undefined;
  readonly sourceTopic: string;
  readonly subjectId?: string | undefined;
  readonly payload?: unknown;
  /** What handling needs to run again; with it, a retry-later verdict is retried from the inbox. */
  readonly retryInput?: unknown;
}

export class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

const FINAL: readonly InboxStatus[] = ['PROCESSED', 'IGNORED_UNSUPPORTED_TYPE', 'FAILED_PERMANENT', 'PARKED_CONTRACT_VIOLATION'];

/** Seconds until the next retry from the inbox: 2, 4, 8, … capped at a minute. */
export const retryDelaySeconds = (attempt: number) => Math.min(60, 2 ** attempt);

/**
 * Records the event and runs `handle` unless an earlier delivery already finished it. Returns the
 * final status; FAILED_RETRYABLE when the event will be retried from the inbox. Throws RetryLater
 * when it cannot be handled yet and has no retry input (the caller lets it be delivered again).
 */
export async function receiveOnce(db: DatabasePool, e: InboxEntry, handle: (attempt: number) => Promise<InboxVerdict>): Promise<InboxStatus | 'duplicate'> {
  const row = await db.one(sql.type(z.object({ status: z.string(), attempts: z.number(), inserted: z.boolean() }))`
    insert into inbox_event (event_id, event_type, source_topic, subject_id, status, payload)
    values (${e.eventId}, ${e.eventType ?? null}, ${e.sourceTopic}, ${e.subjectId ?? null}, 'RECEIVED', ${e.payload === undefined ? null : sql.jsonb(e.payload as never)})
    on conflict (event_id) do update set attempts = inbox_event.attempts
    returning status, attempts, (xmax = 0) as inserted`);
  if (!row.inserted && FINAL.includes(row.status as InboxStatus)) return 'duplicate';
  const attempt = row.attempts + 1;
  let verdict: InboxVerdict;
  try {
    verdict = await handle(attempt);
  } catch (err) {
    verdict = { status: 'retry-later', note: (err as Error).message };
  }
  if (verdict.status === 'retry-later') {
    const retryInput = e.retryInput === undefined ? null : sql.jsonb(e.retryInput as never);
    await db.query(sql.unsafe`
      update inbox_event set status = 'FAILED_RETRYABLE', attempts = ${attempt}, last_error = ${verdict.note.slice(0, 1_000)},
        retry_input = ${retryInput}, next_attempt_at = case when ${retryInput}::jsonb is null then null else now() + make_interval(secs => ${retryDelaySeconds(attempt)}) end
      where event_id = ${e.eventId}`);
    if (e.retryInput === undefined) throw new RetryLater(verdict.note);
    return 'FAILED_RETRYABLE';
  }
  await db.query(sql.unsafe`
    update inbox_event set status = ${verdict.status}, attempts = ${attempt}, processed_at = now(), last_error = ${verdict.note?.slice(0, 1_000) ?? null},
      next_attempt_at = null
    where event_id = ${e.eventId}`);
  return verdict.status;
}

// The inbox: one row per consumed event id. An event delivered again (redelivery, a duplicate from
// the producer, the same result by two channels) finds its row and changes nothing; one that can
// never be handled ends PARKED / IGNORED / FAILED_PERMANENT with the reason. One that cannot be
// handled yet stays FAILED_RETRYABLE: if it carries its retry input it is retried from here, with
// backoff (see inbox-retries.ts), so a consumer never holds its partition for it; otherwise the
// caller has it delivered again.
import type { DatabasePool } from 'slonik';
import {
  INBOX_STATUSES,
  markInboxEventFinal,
  markInboxEventRetryable,
  receiveInboxEvent,
  type InboxReceipt,
  type InboxStatus,
} from '../repositories/inbox-event.ts';

export { INBOX_STATUSES, type InboxReceipt, type InboxStatus };

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
  return handleReceived(db, e, await receiveInboxEvent(db, e), handle);
}

/**
 * receiveOnce for an event already recorded by the caller (its receipt read in the same statement
 * as what the handling needs, to save a round trip): runs `handle` unless the event was finished.
 */
export async function handleReceived(db: DatabasePool, e: InboxEntry, receipt: InboxReceipt, handle: (attempt: number) => Promise<InboxVerdict>): Promise<InboxStatus | 'duplicate'> {
  if (!receipt.inserted && FINAL.includes(receipt.status as InboxStatus)) return 'duplicate';
  const attempt = receipt.attempts + 1;
  let verdict: InboxVerdict;
  try {
    verdict = await handle(attempt);
  } catch (err) {
    verdict = { status: 'retry-later', note: (err as Error).message };
  }
  if (verdict.status === 'retry-later') {
    await markInboxEventRetryable(db, e.eventId, { attempt, note: verdict.note, retryInput: e.retryInput, retryDelaySeconds: retryDelaySeconds(attempt) });
    if (e.retryInput === undefined) throw new RetryLater(verdict.note);
    return 'FAILED_RETRYABLE';
  }
  await markInboxEventFinal(db, e.eventId, { status: verdict.status, attempt, note: verdict.note });
  return verdict.status;
}

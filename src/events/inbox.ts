// The inbox for the events plumbing: each consumed event is handled once (the rows and their
// protocol are src/repositories/inbox-event.ts's; this is the entry the consumers use).
import type { DatabasePool } from 'slonik';
import {
  INBOX_STATUSES,
  RetryLater,
  handleReceivedInboxEvent,
  receiveInboxEvent,
  retryDelaySeconds,
  type InboxEntry,
  type InboxLimits,
  type InboxReceipt,
  type InboxStatus,
  type InboxVerdict,
} from '../repositories/inbox-event.ts';

export { INBOX_STATUSES, RetryLater, retryDelaySeconds, type InboxEntry, type InboxLimits, type InboxReceipt, type InboxStatus, type InboxVerdict };

/**
 * Records the event and runs `handle` unless an earlier delivery already finished it. Returns the
 * final status; FAILED_RETRYABLE when the event will be retried from the inbox. Throws RetryLater
 * when it cannot be handled yet and has no retry input (the caller lets it be delivered again).
 * A handling that throws on the last of `limits.maxAttempts` (INBOX_MAX_ATTEMPTS) attempts ends
 * PARKED_RETRIES_EXHAUSTED instead.
 */
export async function receiveOnce(db: DatabasePool, e: InboxEntry, handle: (attempt: number) => Promise<InboxVerdict>, limits?: InboxLimits): Promise<InboxStatus | 'duplicate'> {
  return handleReceivedInboxEvent(db, e, await receiveInboxEvent(db, e), handle, limits);
}

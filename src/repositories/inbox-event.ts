// inbox_event: one row per consumed event id. An event delivered again (redelivery, a duplicate
// from the producer, the same result by two channels) finds its row and changes nothing; one that
// can never be handled ends PARKED / IGNORED / FAILED_PERMANENT with the reason. One that cannot be
// handled yet stays FAILED_RETRYABLE: if it carries its retry input it is retried from here, with
// backoff (src/events/inbox-retries.ts), so a consumer never holds its partition for it; otherwise
// the caller has it delivered again. A handling that keeps throwing is tried INBOX_MAX_ATTEMPTS
// times in all, then parked (PARKED_RETRIES_EXHAUSTED, with its last error): nothing picks a
// parked row up again but an operator (README, "Parked inbox events"). Every SQL text naming the table is here, and with it the
// receive-once protocol over the rows (handleReceivedInboxEvent), which both the events plumbing
// and the core (provisioning results) follow.
import { storableJsonb } from '../platform/storable-text.ts';
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { loadConfig } from '../platform/config.ts';
import { redactText } from '../platform/redaction.ts';

export const INBOX_STATUSES = [
  'RECEIVED',
  'PROCESSED',
  'IGNORED_UNSUPPORTED_TYPE',
  'FAILED_RETRYABLE',
  'FAILED_PERMANENT',
  'PARKED_CONTRACT_VIOLATION',
  /** a message whose signature did not verify: nothing of it was handled */
  'PARKED_BAD_SIGNATURE',
  /** its handling threw on every one of INBOX_MAX_ATTEMPTS attempts */
  'PARKED_RETRIES_EXHAUSTED',
] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];
export type FinalInboxStatus = Exclude<InboxStatus, 'RECEIVED' | 'FAILED_RETRYABLE'>;

export interface InboxEventEntry {
  readonly eventId: string;
  readonly eventType?: string | undefined;
  readonly sourceTopic: string;
  readonly subjectId?: string | undefined;
  readonly payload?: unknown;
}

/** What receiving an event found: its row's status and attempts, and whether this delivery made it. */
export const inboxReceipt = z.object({ status: z.string(), attempts: z.number(), inserted: z.boolean() });
export type InboxReceipt = z.infer<typeof inboxReceipt>;

/**
 * Records the event, or finds its row if an earlier delivery made it. Returns `status, attempts,
 * inserted`; usable as a CTE, so a lookup the handling needs can share the round trip.
 */
export const receiveInboxEventFragment = (e: InboxEventEntry): FragmentSqlToken => sql.fragment`
  insert into inbox_event (event_id, event_type, source_topic, subject_id, status, payload)
  values (${e.eventId}, ${e.eventType ?? null}, ${e.sourceTopic}, ${e.subjectId ?? null}, 'RECEIVED', ${e.payload === undefined ? null : storableJsonb(e.payload as never)})
  on conflict (event_id) do update set attempts = inbox_event.attempts
  returning status, attempts, (xmax = 0) as inserted`;

/** What handling an event came to; 'retry-later' leaves it to be delivered again. */
export type InboxVerdict =
  | { readonly status: FinalInboxStatus; readonly note?: string | undefined }
  | { readonly status: 'retry-later'; readonly note: string };

export interface InboxEntry extends InboxEventEntry {
  /** What handling needs to run again; with it, a retry-later verdict is retried from the inbox. */
  readonly retryInput?: unknown;
}

export class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

const FINAL: readonly InboxStatus[] = ['PROCESSED', 'IGNORED_UNSUPPORTED_TYPE', 'FAILED_PERMANENT', 'PARKED_CONTRACT_VIOLATION', 'PARKED_BAD_SIGNATURE', 'PARKED_RETRIES_EXHAUSTED'];

/** How many times a throwing handling is tried before its event is parked. */
export interface InboxLimits {
  readonly maxAttempts: number;
}

let configuredLimits: InboxLimits | undefined;
/** The process's INBOX_MAX_ATTEMPTS (read once). */
export const inboxLimits = (): InboxLimits => (configuredLimits ??= { maxAttempts: loadConfig().INBOX_MAX_ATTEMPTS });

/** The last error of a parked event, as kept in its row: redacted, bounded. */
const errorNote = (attempt: number, message: string) => `handling failed on attempt ${attempt}, the last allowed: ${redactText(message)}`;

/** Seconds until the next retry from the inbox: 2, 4, 8, … capped at a minute. */
export const retryDelaySeconds = (attempt: number) => Math.min(60, 2 ** attempt);

/**
 * Runs `handle` for an event whose receipt the caller read (receiveInboxEvent, or its fragment
 * folded into a statement that also reads what the handling needs), unless an earlier delivery
 * finished it. Returns the final status; FAILED_RETRYABLE when the event will be retried from the
 * inbox. Throws RetryLater when it cannot be handled yet and has no retry input.
 */
export async function handleReceivedInboxEvent(
  db: CommonQueryMethods,
  e: InboxEntry,
  receipt: InboxReceipt,
  handle: (attempt: number) => Promise<InboxVerdict>,
  limits: InboxLimits = inboxLimits(),
): Promise<InboxStatus | 'duplicate'> {
  if (!receipt.inserted && FINAL.includes(receipt.status as InboxStatus)) return 'duplicate';
  const attempt = receipt.attempts + 1;
  let verdict: InboxVerdict;
  try {
    verdict = await handle(attempt);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // a handling that throws every time would be retried for ever: the cap parks it
    verdict = attempt >= limits.maxAttempts ? { status: 'PARKED_RETRIES_EXHAUSTED', note: errorNote(attempt, message) } : { status: 'retry-later', note: message };
  }
  if (verdict.status === 'retry-later') {
    await markInboxEventRetryable(db, e.eventId, { attempt, note: verdict.note, retryInput: e.retryInput, retryDelaySeconds: retryDelaySeconds(attempt) });
    if (e.retryInput === undefined) throw new RetryLater(verdict.note);
    return 'FAILED_RETRYABLE';
  }
  // a parked event keeps its retry input, so an operator's replay can hand it to its handler again
  const keep = verdict.status === 'PARKED_RETRIES_EXHAUSTED' ? e.retryInput : undefined;
  await markInboxEventFinal(db, e.eventId, { status: verdict.status, attempt, note: verdict.note, retryInput: keep });
  return verdict.status;
}

export async function receiveInboxEvent(db: CommonQueryMethods, e: InboxEventEntry): Promise<InboxReceipt> {
  return db.one(sql.type(inboxReceipt)`${receiveInboxEventFragment(e)}`);
}

/** Leaves the event to be handled again: from the inbox after `retryDelaySeconds` when it has retry input, else by redelivery. */
export async function markInboxEventRetryable(
  db: CommonQueryMethods,
  eventId: string,
  o: { readonly attempt: number; readonly note: string; readonly retryInput: unknown; readonly retryDelaySeconds: number },
): Promise<void> {
  const retryInput = o.retryInput === undefined ? null : storableJsonb(o.retryInput as never);
  await db.query(sql.unsafe`
    update inbox_event set status = 'FAILED_RETRYABLE', attempts = ${o.attempt}, last_error = ${redactText(o.note).slice(0, 1_000)},
      retry_input = ${retryInput}, next_attempt_at = case when ${retryInput}::jsonb is null then null else now() + make_interval(secs => ${o.retryDelaySeconds}) end
    where event_id = ${eventId}`);
}

/** Ends the event's handling with a final status. */
export async function markInboxEventFinal(
  db: CommonQueryMethods,
  eventId: string,
  o: { readonly status: FinalInboxStatus; readonly attempt: number; readonly note?: string | undefined; readonly retryInput?: unknown },
): Promise<void> {
  const retryInput = o.retryInput === undefined ? null : storableJsonb(o.retryInput as never);
  await db.query(sql.unsafe`
    update inbox_event set status = ${o.status}, attempts = ${o.attempt}, processed_at = now(), last_error = ${o.note?.slice(0, 1_000) ?? null},
      next_attempt_at = null, retry_input = coalesce(${retryInput}::jsonb, retry_input)
    where event_id = ${eventId}`);
}

/**
 * A retry whose handler threw before the inbox protocol could count it (its input unreadable, a
 * lookup failing): counted here, so it too ends parked after `maxAttempts`. Returns the status set.
 */
export async function countFailedInboxRetry(db: CommonQueryMethods, row: { readonly eventId: string; readonly attempts: number }, message: string, limits: InboxLimits = inboxLimits()): Promise<'FAILED_RETRYABLE' | 'PARKED_RETRIES_EXHAUSTED'> {
  const attempt = row.attempts + 1;
  if (attempt >= limits.maxAttempts) {
    // only while still retryable: a redelivery may have finished it meanwhile (its retry input stays)
    await db.query(sql.unsafe`
      update inbox_event set status = 'PARKED_RETRIES_EXHAUSTED', attempts = ${attempt}, processed_at = now(), next_attempt_at = null,
        last_error = ${errorNote(attempt, message).slice(0, 1_000)}
      where event_id = ${row.eventId} and status = 'FAILED_RETRYABLE'`);
    return 'PARKED_RETRIES_EXHAUSTED';
  }
  await db.query(sql.unsafe`
    update inbox_event set attempts = ${attempt}, last_error = ${redactText(message).slice(0, 1_000)},
      next_attempt_at = now() + make_interval(secs => ${retryDelaySeconds(attempt)})
    where event_id = ${row.eventId} and status = 'FAILED_RETRYABLE'`);
  return 'FAILED_RETRYABLE';
}

/** The events parked (bad signature, retries exhausted, contract violation), newest first: what an operator looks at. */
export async function listParkedInboxEvents(db: CommonQueryMethods, limit = 100): Promise<readonly ParkedInboxEvent[]> {
  const rows = await db.any(sql.type(parkedRow)`
    select event_id, event_type, source_topic, status, attempts, last_error, received_at::text as received_at
    from inbox_event where status like 'PARKED\\_%' order by received_at desc limit ${limit}`);
  return rows.map((r) => ({ eventId: r.event_id, eventType: r.event_type, sourceTopic: r.source_topic, status: r.status, attempts: r.attempts, lastError: r.last_error, receivedAt: r.received_at }));
}

const parkedRow = z.object({
  event_id: z.string(),
  event_type: z.string().nullable(),
  source_topic: z.string(),
  status: z.string(),
  attempts: z.number(),
  last_error: z.string().nullable(),
  received_at: z.string(),
});

export interface ParkedInboxEvent {
  readonly eventId: string;
  readonly eventType: string | null;
  readonly sourceTopic: string;
  readonly status: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly receivedAt: string;
}

/**
 * An operator's replay of a parked event that kept its retry input (retries exhausted): due again
 * at once with a fresh count. False when there is no such parked event.
 */
export async function replayParkedInboxEvent(db: CommonQueryMethods, eventId: string): Promise<boolean> {
  const replayed = await db.query(sql.unsafe`
    update inbox_event set status = 'FAILED_RETRYABLE', attempts = 0, next_attempt_at = now(), processed_at = null
    where event_id = ${eventId} and status = 'PARKED_RETRIES_EXHAUSTED' and retry_input is not null`);
  return replayed.rowCount > 0;
}

/** Makes the kept events of a subject with retry input of this kind due again at once, also those given up. */
export async function rearmKeptInboxEvents(db: CommonQueryMethods, subjectId: string, retryKind: string): Promise<number> {
  const rearmed = await db.query(sql.unsafe`
    update inbox_event set status = 'FAILED_RETRYABLE', next_attempt_at = now()
    where subject_id = ${subjectId} and status in ('FAILED_RETRYABLE', 'FAILED_PERMANENT') and retry_input->>'kind' = ${retryKind}`);
  return rearmed.rowCount;
}

const dueRow = z.object({
  event_id: z.string(),
  event_type: z.string().nullable(),
  source_topic: z.string(),
  attempts: z.number(),
  payload: z.unknown(),
  retry_input: z.unknown(),
});

export interface DueInboxEventRow {
  readonly eventId: string;
  readonly eventType: string | null;
  readonly sourceTopic: string;
  readonly attempts: number;
  readonly payload: unknown;
  readonly retryInput: unknown;
}

/**
 * Claims up to `limit` events whose next attempt is due, leasing them for `leaseSeconds` (for
 * inbox-retries.ts). `scope`, a condition on inbox_event, narrows which events are claimed.
 */
export async function claimDueInboxEvents(db: CommonQueryMethods, o: { readonly limit: number; readonly leaseSeconds: number; readonly scope?: FragmentSqlToken | undefined }): Promise<DueInboxEventRow[]> {
  const rows = await db.any(sql.type(dueRow)`
    update inbox_event set next_attempt_at = now() + make_interval(secs => ${o.leaseSeconds})
    where event_id in (
      select event_id from inbox_event
      where status = 'FAILED_RETRYABLE' and next_attempt_at <= now() and retry_input is not null and ${o.scope ?? sql.fragment`true`}
      order by next_attempt_at limit ${o.limit} for update skip locked)
    returning event_id, event_type, source_topic, attempts, payload, retry_input`);
  return rows.map((r) => ({ eventId: r.event_id, eventType: r.event_type, sourceTopic: r.source_topic, attempts: r.attempts, payload: r.payload, retryInput: r.retry_input }));
}

/** rearmKeptInboxEvents as a CTE of a bigger statement, made only when CTE `gate` returned a row. */
export const rearmKeptInboxEventsWhen = (gate: string, subjectId: string, retryKind: string): FragmentSqlToken => sql.fragment`
  update inbox_event set status = 'FAILED_RETRYABLE', next_attempt_at = now()
  where subject_id = ${subjectId} and status in ('FAILED_RETRYABLE', 'FAILED_PERMANENT') and retry_input->>'kind' = ${retryKind}
    and exists (select 1 from ${sql.identifier([gate])})`;

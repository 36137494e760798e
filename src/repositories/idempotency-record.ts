// idempotency_record: the intake's command idempotency records (seed 004 §9.1). One row per
// (scope, key): the request's hash, the resource it created, and once answered, the answer a
// replay gets. Every SQL text naming the table is here.
import { storableJsonb } from '../platform/storable-text.ts';
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';

export interface IdempotencyKeyRef {
  readonly scope: string;
  readonly idempotencyKey: string;
}

export interface IdempotencyClaim extends IdempotencyKeyRef {
  readonly requestHash: string;
  readonly resourceId: string;
}

/**
 * Claims the key for a new resource: an insert that does nothing when the key is already used.
 * Meant as a CTE of a larger statement: it returns `resource_id` only when this statement took
 * the key, so inserts gated on it run only then. A concurrent claim of the same key waits for
 * this one to commit and then returns nothing.
 */
export const claimIdempotencyKey = (claim: IdempotencyClaim): FragmentSqlToken => sql.fragment`
  insert into idempotency_record (scope, idempotency_key, request_hash, resource_id)
  values (${claim.scope}, ${claim.idempotencyKey}, ${claim.requestHash}, ${claim.resourceId})
  on conflict (scope, idempotency_key) do nothing
  returning resource_id`;

/**
 * Where a used key stands, from its columns: a replay needs `response_body` (answered); a record
 * with neither status nor body is being started by the request that claimed it (or took it over);
 * START_FAILED_STATUS without a body was given back by a request that could not start its order,
 * for the next request with the key to take over.
 */
export const START_FAILED_STATUS = 503;

/** The key's record, as a fragment: `request_hash`, `response_body` (null until answered). */
export const idempotencyRecordSelect = (ref: IdempotencyKeyRef): FragmentSqlToken => sql.fragment`
  select request_hash, response_body from idempotency_record where scope = ${ref.scope} and idempotency_key = ${ref.idempotencyKey}`;

/**
 * Takes a used key over for the same request (`requestHash`), as a CTE returning `resource_id`:
 * only when its record was given back (START_FAILED_STATUS) or its claim is older than
 * `staleAfterMs` with no answer (the claiming process died). The row lock makes a concurrent
 * take-over wait, then find the record taken and return nothing: one request restarts the work.
 */
export const idempotencyKeyTakeOver = (ref: IdempotencyKeyRef, o: { readonly requestHash: string; readonly staleAfterMs: number }): FragmentSqlToken => sql.fragment`
  update idempotency_record set response_status = null
  where scope = ${ref.scope} and idempotency_key = ${ref.idempotencyKey} and request_hash = ${o.requestHash} and response_body is null
    and (response_status = ${START_FAILED_STATUS} or (response_status is null and created_at < now() - make_interval(secs => ${o.staleAfterMs / 1000})))
  returning resource_id`;

/** Keeps the answer a replay of the key gets from now on. */
export async function storeIdempotentAnswer(db: CommonQueryMethods, ref: IdempotencyKeyRef, status: number, body: unknown): Promise<void> {
  await db.query(sql.unsafe`
    update idempotency_record set response_status = ${status}, response_body = ${storableJsonb(body as never)}
    where scope = ${ref.scope} and idempotency_key = ${ref.idempotencyKey}`);
}

/** Gives the key back unanswered (its request could not start its work): the next request with it takes over. */
export async function releaseUnansweredKey(db: CommonQueryMethods, ref: IdempotencyKeyRef): Promise<void> {
  await db.query(sql.unsafe`
    update idempotency_record set response_status = ${START_FAILED_STATUS}
    where scope = ${ref.scope} and idempotency_key = ${ref.idempotencyKey} and response_body is null`);
}

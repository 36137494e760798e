// idempotency_record: the intake's command idempotency records (seed 004 §9.1). One row per
// (scope, key): the request's hash, the resource it created, and once answered, the answer a
// replay gets. Every SQL text naming the table is here.
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';

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

const storedRecord = z.object({ request_hash: z.string(), response_body: z.unknown().nullable(), resource_id: z.string().nullable() });

export interface StoredIdempotencyRecord {
  readonly requestHash: string;
  /** null until the request was answered: its work may have stopped half-way */
  readonly responseBody: unknown;
  readonly resourceId: string | null;
}

export async function findIdempotencyRecord(db: CommonQueryMethods, ref: IdempotencyKeyRef): Promise<StoredIdempotencyRecord | null> {
  const row = await db.maybeOne(sql.type(storedRecord)`
    select request_hash, response_body, resource_id from idempotency_record where scope = ${ref.scope} and idempotency_key = ${ref.idempotencyKey}`);
  return row ? { requestHash: row.request_hash, responseBody: row.response_body, resourceId: row.resource_id } : null;
}

/** Keeps the answer a replay of the key gets from now on. */
export async function storeIdempotentAnswer(db: CommonQueryMethods, ref: IdempotencyKeyRef, status: number, body: unknown): Promise<void> {
  await db.query(sql.unsafe`
    update idempotency_record set response_status = ${status}, response_body = ${sql.jsonb(body as never)}
    where scope = ${ref.scope} and idempotency_key = ${ref.idempotencyKey}`);
}

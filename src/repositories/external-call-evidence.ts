// external_call_evidence: one row per try of an attempt (and per replay, refusal or review): what
// was sent, what came back. Every SQL text naming the table is here.
import { storableJsonb } from '../platform/storable-text.ts';
import { randomUUID } from 'node:crypto';
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';

/** What produced an evidence row (ck_evidence_kind; contracts/enum-map.yaml EvidenceKind). */
export const EVIDENCE_KINDS = ['CALL', 'REPLAY', 'REFUSED', 'CALLBACK', 'RECONCILIATION', 'OPERATOR'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export interface EvidenceRecord {
  readonly externalCallId: string;
  readonly attemptNo: number;
  readonly kind: EvidenceKind;
  readonly outcome: string;
  readonly failureCategory?: string | undefined;
  readonly detail?: string | undefined;
  readonly requestSnapshot?: unknown;
  readonly responseSnapshot?: unknown;
  readonly httpStatus?: number | undefined;
  readonly latencyMs?: number | undefined;
  readonly jobKey?: string | undefined;
}

const json = (v: unknown) => storableJsonb((v ?? null) as never);

/** The insert of one evidence row, as a fragment (alone, or as a CTE of a bigger statement). */
export const evidenceInsert = (evidenceId: string, e: EvidenceRecord): FragmentSqlToken => sql.fragment`
  insert into external_call_evidence (evidence_id, external_call_id, attempt_no, kind, outcome, failure_category, detail,
    request_snapshot, response_snapshot, http_status, latency_ms, job_key)
  values (${evidenceId}, ${e.externalCallId}, ${e.attemptNo}, ${e.kind}, ${e.outcome}, ${e.failureCategory ?? null}, ${e.detail ?? null},
    ${json(e.requestSnapshot)}, ${json(e.responseSnapshot)}, ${e.httpStatus ?? null}, ${e.latencyMs ?? null}, ${e.jobKey ?? null})`;

export async function insertEvidence(db: CommonQueryMethods, e: EvidenceRecord): Promise<string> {
  const evidenceId = randomUUID();
  await db.query(sql.unsafe`${evidenceInsert(evidenceId, e)}`);
  return evidenceId;
}

/** Evidence of the try that produced the attempt's current state (what a replay points to). */
export async function latestEvidenceId(db: CommonQueryMethods, externalCallId: string): Promise<string | undefined> {
  const id = await db.maybeOneFirst(sql.type(z.object({ evidence_id: z.string() }))`
    select evidence_id from external_call_evidence where external_call_id = ${externalCallId} and kind <> 'REFUSED'
    order by recorded_at desc limit 1`);
  return id ?? undefined;
}

/**
 * The evidence of a result the provider sent on its own (callback, event, a poll's answer), as a
 * CTE: its detail says whether it was the final result (CTE `gate` returned a row: it moved the
 * task) or a repeat of one already recorded.
 */
export const resultEvidenceInsert = (gate: string, e: { readonly externalCallId: string; readonly attemptNo: number; readonly outcome: string; readonly channel: string; readonly responseSnapshot: unknown }): FragmentSqlToken => sql.fragment`
  insert into external_call_evidence (evidence_id, external_call_id, attempt_no, kind, outcome, detail, response_snapshot)
  select ${randomUUID()}, ${e.externalCallId}, ${e.attemptNo}, 'CALLBACK', ${e.outcome},
    ${`${e.channel}: `} || case when exists (select 1 from ${sql.identifier([gate])}) then 'final result' else 'repeated result' end,
    ${json(e.responseSnapshot)}
  returning evidence_id`;

export const evidenceSummaryRow = z.object({
  evidence_id: z.string(),
  attempt_no: z.number(),
  kind: z.string(),
  outcome: z.string(),
  failure_category: z.string().nullable(),
  detail: z.string().nullable(),
  http_status: z.number().nullable(),
  latency_ms: z.number().nullable(),
  /** timestamptz: slonik's type parser gives epoch milliseconds */
  recorded_at: z.number(),
});
export type EvidenceSummary = z.infer<typeof evidenceSummaryRow>;

/** Every try's evidence of an attempt, oldest first, without the snapshots (for an operator's view of a case). */
export async function evidenceOfAttempt(db: CommonQueryMethods, externalCallId: string): Promise<readonly EvidenceSummary[]> {
  return db.any(sql.type(evidenceSummaryRow)`
    select evidence_id, attempt_no, kind, outcome, failure_category, detail, http_status, latency_ms, recorded_at
    from external_call_evidence where external_call_id = ${externalCallId} order by recorded_at`);
}

export const evidenceDetailRow = evidenceSummaryRow.extend({
  external_call_id: z.string(),
  request_snapshot: z.unknown().nullable(),
  response_snapshot: z.unknown().nullable(),
  job_key: z.string().nullable(),
});
export type EvidenceDetail = z.infer<typeof evidenceDetailRow>;

/** Every row of some attempts with its snapshots (stored redacted), oldest first: the operator's order page. */
export async function evidenceOfAttempts(db: CommonQueryMethods, externalCallIds: readonly string[]): Promise<readonly EvidenceDetail[]> {
  if (!externalCallIds.length) return [];
  return db.any(sql.type(evidenceDetailRow)`
    select evidence_id, external_call_id, attempt_no, kind, outcome, failure_category, detail, request_snapshot, response_snapshot,
      http_status, latency_ms, job_key, recorded_at
    from external_call_evidence where external_call_id = any(${sql.array([...externalCallIds], 'uuid')}) order by recorded_at, evidence_id`);
}

// Everything an operator needs to judge a case: the case, the attempt it is about, every try's
// evidence, and the history of observations and decisions.
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { caseHistory, loadCase, type CaseEventRow, type CaseRow } from './cases.ts';

const attemptRow = z.object({
  external_call_id: z.string(),
  system_code: z.string(),
  operation_code: z.string(),
  idempotency_key: z.string(),
  status: z.string(),
  attempt_no: z.number(),
  failure_category: z.string().nullable(),
  failure_reason: z.string().nullable(),
  external_request_id: z.string().nullable(),
  external_reference_id: z.string().nullable(),
});
const evidenceRow = z.object({
  evidence_id: z.string(),
  attempt_no: z.number(),
  kind: z.string(),
  outcome: z.string(),
  failure_category: z.string().nullable(),
  detail: z.string().nullable(),
  http_status: z.number().nullable(),
  latency_ms: z.number().nullable(),
  recorded_at: z.unknown(),
});

export interface CaseDetails {
  readonly case: CaseRow;
  readonly attempt: z.infer<typeof attemptRow> | null;
  readonly evidence: readonly z.infer<typeof evidenceRow>[];
  readonly history: readonly CaseEventRow[];
}

export async function caseDetails(db: CommonQueryMethods, caseId: string): Promise<CaseDetails> {
  const c = await loadCase(db, caseId);
  const attempt = c.external_call_id
    ? await db.maybeOne(sql.type(attemptRow)`
        select external_call_id, system_code, operation_code, idempotency_key, status, attempt_no, failure_category, failure_reason, external_request_id, external_reference_id
        from external_call_attempt where external_call_id = ${c.external_call_id}`)
    : null;
  const evidence = c.external_call_id
    ? await db.any(sql.type(evidenceRow)`
        select evidence_id, attempt_no, kind, outcome, failure_category, detail, http_status, latency_ms, recorded_at
        from external_call_evidence where external_call_id = ${c.external_call_id} order by recorded_at`)
    : [];
  return { case: c, attempt, evidence, history: await caseHistory(db, caseId) };
}

// Everything an operator needs to judge a case: the case, the attempt it is about, every try's
// evidence, and the history of observations and decisions.
import type { CommonQueryMethods } from 'slonik';
import { findAttempt, type AttemptRow } from '../../repositories/external-call-attempt.ts';
import { evidenceOfAttempt, type EvidenceSummary } from '../../repositories/external-call-evidence.ts';
import { caseHistory, loadCase, type CaseEventRow, type CaseRow } from './cases.ts';

export interface CaseDetails {
  readonly case: CaseRow;
  readonly attempt: AttemptRow | null;
  readonly evidence: readonly EvidenceSummary[];
  readonly history: readonly CaseEventRow[];
}

export async function caseDetails(db: CommonQueryMethods, caseId: string): Promise<CaseDetails> {
  const c = await loadCase(db, caseId);
  const attempt = c.external_call_id ? await findAttempt(db, c.external_call_id) : null;
  const evidence = c.external_call_id ? await evidenceOfAttempt(db, c.external_call_id) : [];
  return { case: c, attempt, evidence, history: await caseHistory(db, caseId) };
}

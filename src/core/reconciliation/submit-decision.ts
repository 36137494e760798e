// An operator decision from outside Tasklist (operator API, CLI): it completes the case's decision
// user task, so the decision is applied by the reconciliation process exactly as a form would.
// Who decided is not part of the request: the caller names the authenticated operator (the API's
// bearer token, the CLI's --by), so a request body cannot speak for someone else.
import { z } from 'zod';
import type { EnginePort } from '../ports/engine.ts';
import { RECONCILIATION_DECISION_TASK } from '../domain/bpmn-errors.ts';
import type { DatabasePool } from '../../platform/db.ts';
import { DECISIONS } from './apply-decision.ts';
import { loadCase } from './cases.ts';

export const decisionRequest = z.object({
  decision: z.enum(DECISIONS),
  note: z.string().max(2_000).optional(),
  externalReference: z.string().max(200).optional(),
});
export type DecisionRequest = z.infer<typeof decisionRequest>;

export type SubmitResult = { readonly kind: 'submitted'; readonly userTaskKey: string } | { readonly kind: 'not-waiting'; readonly reason: string };

export async function submitDecision(db: DatabasePool, engine: EnginePort, caseId: string, d: DecisionRequest, decidedBy: string): Promise<SubmitResult> {
  if (decidedBy.trim() === '') throw new Error('a decision needs the operator who decides');
  const c = await loadCase(db, caseId);
  if (c.status !== 'MANUAL_REVIEW') return { kind: 'not-waiting', reason: `case ${caseId} is ${c.status}, not waiting for a decision` };
  if (d.decision === 'ACCEPT_EXTERNAL_STATE' && !d.externalReference) return { kind: 'not-waiting', reason: 'ACCEPT_EXTERNAL_STATE needs externalReference (the external system’s id of what it did)' };
  if (!c.handler_process_instance_key) return { kind: 'not-waiting', reason: `case ${caseId} has no reconciliation process yet` };
  const task = await engine.findOpenUserTask(c.handler_process_instance_key, RECONCILIATION_DECISION_TASK);
  if (!task) return { kind: 'not-waiting', reason: `no open decision task for case ${caseId} is visible yet; try again in a few seconds` };
  await engine.completeUserTask(task, { reconciliationDecision: d.decision, decidedBy, decisionNote: d.note ?? null, externalReference: d.externalReference ?? null });
  return { kind: 'submitted', userTaskKey: task };
}

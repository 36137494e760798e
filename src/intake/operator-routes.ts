// Operator API: open reconciliation cases, their evidence and history, and decisions on cases
// waiting for a person (the same decision the Tasklist form submits). The bearer guard lets only
// operators decide; who decided is the token's operator, never a name in the body (ignored).
import type { FastifyInstance } from 'fastify';
import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import type { EnginePort } from '../core/ports/engine.ts';
import { caseDetails } from '../core/reconciliation/case-details.ts';
import { CASE_STATUSES, CaseNotFound, listCases } from '../core/reconciliation/cases.ts';
import { decisionRequest, submitDecision } from '../core/reconciliation/submit-decision.ts';
import { problemType, sendProblem } from './problem.ts';
import { principalOf } from './auth/api-auth-hook.ts';
import { operatorOrderRoutes, type OperatorOrderDeps } from './operator-order-routes.ts';

export interface OperatorDeps extends OperatorOrderDeps {
  readonly db: DatabasePool;
  readonly engine: EnginePort;
}

const listQuery = z.object({ status: z.enum(CASE_STATUSES).optional(), orderId: z.string().optional(), limit: z.coerce.number().int().min(1).max(500).optional() });
const caseParams = z.object({ caseId: z.uuid() });

export function operatorRoutes(app: FastifyInstance, deps: OperatorDeps): void {
  // the console's order pages: orders, their ledger, evidence and events, and the incident retry
  operatorOrderRoutes(app, deps);
  app.get('/operator/cases', async (req, reply) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) return sendProblem(reply, { type: problemType('bad-query'), title: 'Invalid query', status: 400, detail: q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const cases = await listCases(deps.db, q.data);
    return reply.send({ cases: cases.map((c) => ({ caseId: c.reconciliation_case_id, status: c.status, system: c.system_code, mismatchType: c.mismatch_type, severity: c.severity, orderId: c.order_id, checks: c.check_count, resolution: c.resolution, decidedBy: c.decided_by })) });
  });

  app.get('/operator/cases/:caseId', async (req, reply) => {
    const p = caseParams.safeParse(req.params);
    if (!p.success) return sendProblem(reply, { type: problemType('bad-case-id'), title: 'Invalid case id', status: 400, detail: 'caseId must be a UUID' });
    try {
      return reply.send(await caseDetails(deps.db, p.data.caseId));
    } catch (err) {
      if (err instanceof CaseNotFound) return sendProblem(reply, { type: problemType('case-not-found'), title: 'Case not found', status: 404, detail: err.message });
      throw err;
    }
  });

  app.post('/operator/cases/:caseId/decision', async (req, reply) => {
    const p = caseParams.safeParse(req.params);
    const body = decisionRequest.safeParse(req.body);
    if (!p.success || !body.success) {
      const issues = [...(p.success ? [] : p.error.issues), ...(body.success ? [] : body.error.issues)];
      return sendProblem(reply, { type: problemType('invalid-decision'), title: 'Invalid decision', status: 400, detail: `${issues.length} field(s) are invalid`, errors: issues.map((i) => ({ field: i.path.map(String).join('.') || '(body)', message: i.message })) });
    }
    // the bearer guard runs on every operator route, so a decision always has its operator
    const decidedBy = principalOf(req)?.displayName;
    if (decidedBy === undefined || decidedBy === '') throw new Error('operator decision without an authenticated operator: the bearer guard is not installed');
    try {
      const result = await submitDecision(deps.db, deps.engine, p.data.caseId, body.data, decidedBy);
      if (result.kind === 'not-waiting') return sendProblem(reply, { type: problemType('case-not-waiting'), title: 'The case is not waiting for a decision', status: 409, detail: result.reason });
      return reply.code(202).send({ caseId: p.data.caseId, decision: body.data.decision, decidedBy, status: 'DECISION_SUBMITTED' });
    } catch (err) {
      if (err instanceof CaseNotFound) return sendProblem(reply, { type: problemType('case-not-found'), title: 'Case not found', status: 404, detail: err.message });
      throw err;
    }
  });
}

import { z } from 'zod';
import { complete } from '../src/core/ports/engine-action.ts';
import { DECISIONS, applyDecision } from '../src/core/reconciliation/apply-decision.ts';
import { farmWorker } from './farm-worker.ts';
import { caseId } from './variables.ts';

export default farmWorker({
  type: 'reconciliation.apply-decision.v1',
  description: "Applies the operator's decision on a case in manual review, recording who decided",
  variables: z.object({
    caseId,
    reconciliationDecision: z.enum(DECISIONS),
    decidedBy: z.string().trim().min(1, 'decidedBy: the operator must give their name'),
    decisionNote: z.string().nullish(),
    externalReference: z.string().nullish(),
  }),
  output: z.object({ resumeFulfillment: z.boolean() }),
  bpmnErrors: [],
  handle: async ({ services, variables: v }) => {
    const { resumeFulfillment } = await applyDecision(services, { caseId: v.caseId, decision: v.reconciliationDecision, decidedBy: v.decidedBy, note: v.decisionNote ?? undefined, externalReference: v.externalReference ?? undefined });
    return complete({ resumeFulfillment });
  },
});

// After a case is repaired or marked safe to retry, the fulfillment job that stopped on it runs
// again: its retries come back and its incident is resolved through the engine. The job then
// replays the repaired attempt, or sends again under the same key.
//
// The stopped job raises its incident only after it opened the case, and the incident reaches the
// search side later still (later again after an engine restart), so the reconciler may well get
// here first. Not seeing the incident is therefore never the end of this step: it waits, holding
// the job, then hands the job back with its retries kept and no engine backoff (backoff timers
// were seen lost over engine restarts, see execute-job.ts), and only after RESUME_PATIENCE_MS
// raises an incident of its own. RESUMED is recorded only once the engine resolved the incident
// or confirmed it is no longer open.
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommonQueryMethods } from 'slonik';
import { caseResumeState } from '../../repositories/reconciliation-case.ts';
import { systemClock } from '../../platform/clock.ts';
import type { Clock } from '../ports/clock.ts';
import type { EnginePort } from '../ports/engine.ts';
import type { EngineAction } from '../ports/engine-action.ts';
import { complete } from '../ports/engine-action.ts';
import { redactText } from '../../platform/redaction.ts';
import { RECONCILER, appendCaseEvent } from './cases.ts';

/** How long one run of the step looks for the incident before handing its job back. */
export const RESUME_HOLD_MS = 30_000;
/** How long after the case was settled the step keeps looking before it raises an incident. */
export const RESUME_PATIENCE_MS = 15 * 60_000;

/** The case as this step sees it, and where it records the resume. */
export interface ResumeCases {
  load(caseId: string): Promise<{ readonly jobKey: string | null; readonly processInstanceKey: string | null; readonly resumed: boolean; readonly settledForMs: number }>;
  recordResumed(caseId: string, note: string): Promise<void>;
}

export type ResumeOutcome =
  | { readonly kind: 'resumed'; readonly note: string }
  | { readonly kind: 'nothing-to-resume'; readonly why: string }
  /** the incident is not visible yet, or the engine could not be asked: run the step again */
  | { readonly kind: 'waiting'; readonly why: string; readonly settledForMs: number };

export async function resumeFulfillment(
  deps: { readonly cases: ResumeCases; readonly engine: Pick<EnginePort, 'resumeFailedJob'>; readonly clock?: Clock },
  caseId: string,
  opts: { readonly holdMs?: number; readonly pollMs?: number } = {},
): Promise<ResumeOutcome> {
  const c = await deps.cases.load(caseId);
  // a repeated run (e.g. its completion was lost): the job was already let go
  if (c.resumed) return { kind: 'resumed', note: 'already recorded' };
  if (!c.jobKey || !c.processInstanceKey) return { kind: 'nothing-to-resume', why: 'the case names no stopped job' };
  const { jobKey, processInstanceKey } = c;
  const clock = deps.clock ?? systemClock;
  const started = clock.now().getTime();
  const pollMs = opts.pollMs ?? 1_000;
  for (;;) {
    let r: Awaited<ReturnType<EnginePort['resumeFailedJob']>> | Error;
    try {
      r = await deps.engine.resumeFailedJob(processInstanceKey, jobKey);
    } catch (err) {
      r = err instanceof Error ? err : new Error(String(err));
    }
    // (only the engine's answer is caught: a database error is the worker runtime's to handle)
    if (r === 'resumed' || r === 'already-resolved') {
      const note =
        r === 'resumed'
          ? `incident of job ${jobKey} resolved with the retries its task declares; the job runs again`
          : `the incident of job ${jobKey} was already resolved (an earlier try whose answer was lost, or an operator); the job has its retries again`;
      await deps.cases.recordResumed(caseId, note);
      return { kind: 'resumed', note };
    }
    if (r === 'instance-ended') return { kind: 'nothing-to-resume', why: `process instance ${processInstanceKey} has ended` };
    if (r === 'job-gone') return { kind: 'nothing-to-resume', why: `the engine knows job ${jobKey} no more (it completed, or its task was left)` };
    const why = r === 'no-incident' ? `no open incident of job ${jobKey} in process instance ${processInstanceKey} is visible yet` : `the engine could not be asked about job ${jobKey}: ${redactText(r.message)}`;
    const waited = clock.now().getTime() - started;
    if (waited + pollMs > (opts.holdMs ?? RESUME_HOLD_MS)) return { kind: 'waiting', why, settledForMs: c.settledForMs + waited };
    await sleep(pollMs);
  }
}

/** What the engine is told about the resume step's job. */
export function resumeAction(outcome: ResumeOutcome, job: { readonly retries: number }): EngineAction {
  switch (outcome.kind) {
    case 'resumed':
      return complete({ fulfillmentResumed: true });
    case 'nothing-to-resume':
      return complete({ fulfillmentResumed: false });
    case 'waiting':
      if (outcome.settledForMs < RESUME_PATIENCE_MS) {
        return { kind: 'fail', retries: Math.max(1, job.retries), backoffMs: 0, message: `${outcome.why}; looking again` };
      }
      return {
        kind: 'fail',
        retries: 0,
        backoffMs: 0,
        message: `[RESUME_PENDING] ${outcome.why}, ${Math.round(outcome.settledForMs / 60_000)} min after the case was settled. Next: in Operate, find the stopped job of the case; once its incident shows, retry this job (it gives the job its retries back and resolves the incident).`,
      };
  }
}

export function resumeCasesIn(db: CommonQueryMethods): ResumeCases {
  return {
    load: async (caseId) => {
      return caseResumeState(db, caseId);
    },
    recordResumed: (caseId, note) => appendCaseEvent(db, caseId, { action: 'RESUMED', actor: RECONCILER, note }),
  };
}

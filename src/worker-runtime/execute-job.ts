// The life of one job in the farm, the same for every job type: check the variables and headers
// against the worker's schemas, run the handler, check its output, and tell the engine exactly one
// thing. Nothing a handler does (or fails to do) escapes as an exception.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../platform/logger.ts';
import type { EngineAction } from '../core/ports/engine-action.ts';
import { redact, redactText } from '../platform/redaction.ts';
import type { AnyWorker, JobInfo } from './define-worker.ts';
import { isInfrastructureError } from './failure-classification.ts';
import type { JobRef } from '../core/ports/job.ts';
import { isJobDataError } from '../core/domain/job-data-error.ts';
import { describeIssues } from '../platform/zod-issues.ts';
import { withLogContext } from '../platform/log-context.ts';
import type { JobSlot } from './job-slots.ts';

/** The part of the SDK's activated job the runtime uses. */
export interface JobHandle extends Omit<JobRef, 'deadline'> {
  /** epoch ms as the gateway sends it (an int64 string) */
  readonly deadline: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly customHeaders: Readonly<Record<string, unknown>>;
  complete(variables?: never): Promise<unknown>;
  fail(conf: { errorMessage: string; retries?: number; retryBackOff?: number }): Promise<unknown>;
  error(conf: { errorCode: string; errorMessage?: string; variables: never }): Promise<unknown>;
}

/** What the runtime did with the job: told the engine one of the actions, or 'skipped' (not started). */
export type Decision = EngineAction['kind'] | 'skipped';

/** What the engine was told, for metrics: a fail that leaves no retries is an incident. */
export type JobOutcome = { readonly kind: 'completed' } | { readonly kind: 'bpmn_error'; readonly errorCode: string } | { readonly kind: 'failed' } | { readonly kind: 'incident' };

/** Hooks for metrics; every job reports exactly one outcome. */
export interface JobObserver {
  activated(type: string): void;
  decided(type: string, outcome: JobOutcome, durationMs: number): void;
  /** a job not started: its deadline had passed, or no slot was free (it was given back) */
  skipped?(type: string, reason: SkipReason): void;
}

export type SkipReason = 'deadline-passed' | 'no-free-slot';

/**
 * Process variables every job's log lines carry when the instance has them (fetched for every job
 * type, whatever the worker's schema reads; the business tenant is the model's tenantId variable).
 */
export const LOG_CONTEXT_VARIABLES = ['tenantId', 'orderId', 'orderItemId', 'correlationId', 'caseId'] as const;

/** When the database, broker or engine is unavailable the job keeps its retries and is tried again after this. */
export const INFRASTRUCTURE_BACKOFF_MS = 10_000;
/**
 * A retry's backoff is waited out here, holding the job, and the job is then failed with no engine
 * backoff. Jobs failed with an engine backoff were seen never to become activatable again — during
 * a database outage and after an engine restart (bench:chaos, two runs; upstream
 * camunda/camunda#16884, open) — and a lost job is a lost order. A hold is bounded by this cap and
 * by the job's deadline (what is left of a longer backoff still goes to the engine). In the farm a
 * hold gives its slot up meanwhile, and holds are capped in number (src/worker-runtime/job-slots.ts):
 * past that cap the backoff goes to the engine, so a 503 storm of one job type starves no other.
 */
export const MAX_BACKOFF_HOLD_MS = 60_000;
/** Margin kept before the job's deadline, so the fail command still reaches the engine in time. */
const DEADLINE_MARGIN_MS = 5_000;
/** Incident messages are shown in Operate; keep them readable. */
const MAX_MESSAGE = 1_500;

/**
 * `slot`: the farm slot the job runs in; a retry's backoff hold gives it up meanwhile (without one,
 * e.g. in tests, a hold simply waits).
 */
export async function executeJob<S>(worker: AnyWorker<S>, job: JobHandle, services: S, baseLog: Logger, observer?: JobObserver, slot?: Pick<JobSlot, 'holdWithoutSlot'>): Promise<Decision> {
  // A job that waited past its deadline (in a stream's buffer, behind a slow process) belongs to
  // nobody now: the engine re-offers it once its timeout passes. Starting it would repeat work
  // another worker may already be doing, and its answer would be refused.
  const overdueMs = Date.now() - Number(job.deadline);
  if (overdueMs >= 0) {
    baseLog.warn({ jobKey: job.key, jobType: job.type, processInstanceKey: job.processInstanceKey, overdueMs }, 'job deadline passed before it started; not started (the engine re-offers it after its timeout)');
    observer?.skipped?.(worker.type, 'deadline-passed');
    return 'skipped';
  }
  const started = performance.now();
  observer?.activated(worker.type);
  const vars = job.variables;
  const log = baseLog.child({
    jobKey: job.key,
    jobType: job.type,
    processInstanceKey: job.processInstanceKey,
    elementId: job.elementId,
    ...pick(vars, LOG_CONTEXT_VARIABLES),
  });
  const info: JobInfo = {
    key: job.key,
    type: job.type,
    retries: job.retries,
    processInstanceKey: job.processInstanceKey,
    bpmnProcessId: job.bpmnProcessId,
    elementId: job.elementId,
    elementInstanceKey: job.elementInstanceKey,
    tenantId: job.tenantId,
    deadline: Number(job.deadline),
  };

  let action: EngineAction;
  const parsedVars = worker.variables.safeParse(vars);
  const parsedHeaders = (worker.headers ?? passThrough).safeParse(job.customHeaders);
  if (!parsedVars.success) {
    action = { kind: 'fail', retries: 0, backoffMs: 0, message: `[INVALID_VARIABLES] job ${worker.type} at ${job.elementId}: variables do not match the worker's contract: ${describeIssues(parsedVars.error)}. Next: fix the variables (Operate: edit variable, then retry the job).` };
  } else if (!parsedHeaders.success) {
    action = { kind: 'fail', retries: 0, backoffMs: 0, message: `[INVALID_HEADERS] job ${worker.type} at ${job.elementId}: task headers do not match the worker's contract: ${describeIssues(parsedHeaders.error)}. Next: fix the BPMN model and redeploy.` };
  } else {
    action = await runHandler(worker, { variables: parsedVars.data, headers: parsedHeaders.data, job: info, log, services });
  }

  if (action.kind === 'complete') {
    const out = worker.output.safeParse(action.variables);
    if (!out.success) {
      action = { kind: 'fail', retries: 0, backoffMs: 0, message: `[INVALID_OUTPUT] worker ${worker.type} produced variables outside its contract: ${describeIssues(out.error)}. This is a defect of the worker; retry after the fix.` };
    } else {
      action = { kind: 'complete', variables: out.data as Record<string, unknown> };
    }
  }

  await tellEngine(job, action, log, slot);
  const durationMs = performance.now() - started;
  observer?.decided(worker.type, outcomeOf(action), durationMs);
  return action.kind;
}

function outcomeOf(action: EngineAction): JobOutcome {
  switch (action.kind) {
    case 'complete':
      return { kind: 'completed' };
    case 'bpmn-error':
      return { kind: 'bpmn_error', errorCode: action.errorCode };
    case 'fail':
      return action.retries === 0 ? { kind: 'incident' } : { kind: 'failed' };
  }
}

const passThrough = { safeParse: (v: unknown) => ({ success: true as const, data: v, error: undefined }) } as unknown as NonNullable<AnyWorker<unknown>['headers']>;

async function runHandler<S>(worker: AnyWorker<S>, ctx: Parameters<AnyWorker<S>['handle']>[0]): Promise<EngineAction> {
  try {
    // Services below the handler log through this job's logger (see log-context.ts).
    return await withLogContext(ctx.log, () => worker.handle(ctx));
  } catch (err) {
    const text = redactText(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    if (isJobDataError(err)) {
      ctx.log.error({ err: serializeError(err) }, 'job refers to data the farm does not have');
      return { kind: 'fail', retries: 0, backoffMs: 0, message: `[DATA] ${worker.type}: ${text}. Next: check the order data and the process variables, then retry or cancel the instance.` };
    }
    if (isInfrastructureError(err)) {
      ctx.log.warn({ err: redact(serializeError(err)) }, 'infrastructure unavailable; job will be retried without spending a retry');
      return { kind: 'fail', retries: Math.max(1, ctx.job.retries), backoffMs: INFRASTRUCTURE_BACKOFF_MS, message: `[INFRASTRUCTURE] ${worker.type}: ${text}. The farm retries once the database/broker is reachable again.` };
    }
    ctx.log.error({ err: redact(serializeError(err)) }, 'worker handler failed unexpectedly');
    const retries = Math.max(0, ctx.job.retries - 1);
    return { kind: 'fail', retries, backoffMs: 5_000, message: `[WORKER_ERROR] ${worker.type} failed unexpectedly: ${text}. Next: see the farm log for jobKey ${ctx.job.key}${retries === 0 ? ', fix, then retry the job' : ''}.` };
  }
}

async function tellEngine(job: JobHandle, action: EngineAction, log: Logger, slot: Pick<JobSlot, 'holdWithoutSlot'> | undefined): Promise<void> {
  try {
    switch (action.kind) {
      case 'complete':
        await job.complete(action.variables as never);
        // per-job lines are debug: at info a busy replica would spend its time writing them
        log.debug({ decision: 'complete' }, 'job completed');
        return;
      case 'bpmn-error':
        await job.error({ errorCode: action.errorCode, errorMessage: clip(action.message), variables: action.variables as never });
        log.debug({ decision: 'bpmn-error', errorCode: action.errorCode }, clip(action.message));
        return;
      case 'fail': {
        const heldMs = action.retries > 0 ? await holdForBackoff(job, action.backoffMs, slot) : 0;
        await job.fail({ errorMessage: clip(action.message), retries: action.retries, retryBackOff: action.backoffMs - heldMs });
        log[action.retries === 0 ? 'error' : 'warn']({ decision: 'fail', retries: action.retries, backoffMs: action.backoffMs, heldMs }, clip(action.message));
        return;
      }
    }
  } catch (err) {
    // The engine refused the command, e.g. the job timed out and was handed to another worker.
    // The attempt ledger already holds the outcome, so the next activation replays it.
    log.warn({ err: { message: (err as Error).message }, decision: action.kind }, 'the engine did not accept the job decision');
  }
}

/**
 * Waits out as much of the backoff as the cap and the job's deadline allow; returns how long. In
 * the farm the hold gives its slot up (other jobs run meanwhile); when every hold place is taken
 * the whole backoff goes to the engine instead.
 */
async function holdForBackoff(job: JobHandle, backoffMs: number, slot: Pick<JobSlot, 'holdWithoutSlot'> | undefined): Promise<number> {
  const heldMs = Math.max(0, Math.min(backoffMs, MAX_BACKOFF_HOLD_MS, Number(job.deadline) - Date.now() - DEADLINE_MARGIN_MS));
  if (heldMs <= 0) return 0;
  const hold = slot ? slot.holdWithoutSlot() : { end: () => undefined };
  if (!hold) return 0;
  try {
    // unref: a hold never keeps a stopping process alive (the engine re-offers the job after its timeout)
    await sleep(heldMs, undefined, { ref: false });
  } finally {
    hold.end();
  }
  return heldMs;
}

const clip = (s: string) => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE - 1)}…` : s);

function pick(vars: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (typeof vars[k] === 'string' || typeof vars[k] === 'number') out[k] = vars[k];
  return out;
}

function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  return { type: err.name, message: err.message, code: (err as { code?: unknown }).code, stack: err.stack?.split('\n').slice(0, 6).join('\n') };
}

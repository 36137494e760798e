// The farm: one reconnecting job stream (plus backup poll) per worker, a bound on concurrent jobs
// per process, and a drain on shutdown: stop taking jobs, let running ones finish within the grace
// period, then close. Replicas are just more farm processes.
// The farm takes no more jobs than it has free slots (job-slots.ts): with none free its streams
// stop reading (the gateway is held back and passes jobs to other workers, job-stream.ts), the
// backup poll asks for none, and a job that still arrives is given back to the engine at once
// (failed with its retries unchanged and no backoff), never queued.
import { hostname } from 'node:os';
import { connectGatewayAt, type GatewayCommands, type GatewayConnection } from '../platform/gateway-client.ts';
import type { Logger } from '../platform/logger.ts';
import type { AnyWorker } from './define-worker.ts';
import { executeJob, LOG_CONTEXT_VARIABLES, type JobHandle, type JobObserver } from './execute-job.ts';
import { jobMetrics } from './job-metrics.ts';
import { JobSlots } from './job-slots.ts';
import { activateJobsNow, openJobStream, type ActivatedJob, type JobStream } from './job-stream.ts';

/** The engine commands that answer a job. */
export type JobCommands = Pick<GatewayCommands, 'completeJob' | 'failJob' | 'throwError'>;

export interface FarmOptions<S> {
  /**
   * The process's one gateway channel: job streams, polls and the job commands go over it. Its
   * owner closes it. Without it the farm opens its own at `gatewayAddress` and closes it on drain.
   */
  readonly gateway?: GatewayConnection;
  /** grpc://host:port or grpcs://host:port of the gateway, when no `gateway` is given */
  readonly gatewayAddress?: string;
  /** answers jobs through these commands instead of the gateway channel's (e.g. a bench timing them) */
  readonly zeebe?: JobCommands;
  readonly workers: readonly AnyWorker<S>[];
  readonly services: S;
  readonly log: Logger;
  /** jobs this process runs at once (across all job types) */
  readonly maxConcurrentJobs: number;
  /** retry backoffs waited out in the process at once, each without a slot (default maxConcurrentJobs); past it they go to the engine */
  readonly maxBackoffHolds?: number;
  /** default job timeout; a worker's own timeoutMs wins */
  readonly jobTimeoutMs: number;
  /** defaults to the process's job series (src/platform/metrics.ts) */
  readonly observer?: JobObserver;
  readonly workerName?: string;
  readonly tenantIds?: readonly string[];
  /** backup poll interval per job type */
  readonly pollIntervalMs?: number;
  /** auth headers for every call of a channel the farm opens itself, when the cluster needs them (src/platform/gateway-auth.ts) */
  readonly gatewayMetadata?: (() => Promise<Record<string, string>>) | undefined;
  /** deadline of one job command on a channel the farm opens itself (default 10 s) */
  readonly commandTimeoutMs?: number;
  /**
   * Appended to every job type served (tests run an isolated copy of a model whose job types carry
   * the same suffix, so parallel test runs never take each other's jobs).
   */
  readonly jobTypeSuffix?: string;
}

/** A job this process has taken and not yet answered. */
export interface RunningJob {
  readonly key: string;
  readonly type: string;
  readonly processInstanceKey: string;
  readonly elementId: string;
}

export type DrainResult =
  | { readonly kind: 'drained' }
  /** the grace period ended first: these jobs were still running (the engine re-offers them once their timeout passes) */
  | { readonly kind: 'timed-out'; readonly left: readonly RunningJob[] };

export interface Farm {
  readonly jobTypes: readonly string[];
  inFlight(): number;
  runningJobs(): readonly RunningJob[];
  /** Stops taking jobs and waits (up to graceMs) for the running ones. */
  drain(graceMs: number): Promise<DrainResult>;
}

export async function startFarm<S>(opts: FarmOptions<S>): Promise<Farm> {
  const streams: JobStream[] = [];
  let streamsPaused = false;
  // pause every stream while no slot is free, resume them as soon as one is
  const slots = new JobSlots(opts.maxConcurrentJobs, opts.maxBackoffHolds ?? opts.maxConcurrentJobs, () => {
    const full = slots.free <= 0;
    if (full === streamsPaused) return;
    streamsPaused = full;
    for (const s of streams) (full ? s.pause() : s.resume());
  });
  const running = new Map<Promise<unknown>, RunningJob>();
  let draining = false;
  const name = opts.workerName ?? `farm-${hostname()}-${process.pid}`;
  const own = opts.gateway === undefined;
  const gateway = opts.gateway ?? connectGatewayAt(requireAddress(opts.gatewayAddress), { metadata: opts.gatewayMetadata, ...(opts.commandTimeoutMs ? { commandTimeoutMs: opts.commandTimeoutMs } : {}) });
  const commands: JobCommands = opts.zeebe ?? gateway;
  const tenantIds = opts.tenantIds ?? ['<default>'];
  const observer = opts.observer ?? jobMetrics();
  const types: string[] = [];

  for (const worker of opts.workers) {
    const type = opts.jobTypeSuffix ? `${worker.type}-${opts.jobTypeSuffix}` : worker.type;
    const timeoutMs = worker.timeoutMs ?? opts.jobTimeoutMs;
    const fetchVariables = variableNames(worker);
    const onJob = (raw: ActivatedJob) => {
      const job = handleOf(raw, commands);
      const slot = draining ? undefined : slots.tryTake();
      if (!slot) {
        // Shutting down, or no free slot: hand the job straight back so another worker (or this
        // one, once a slot frees) takes it now instead of after its timeout.
        if (!draining) {
          observer.skipped?.(worker.type, 'no-free-slot');
          opts.log.debug({ jobKey: raw.key, jobType: raw.type }, 'no free slot; job given back');
        }
        const why = draining ? `farm ${name} is shutting down` : `farm ${name} has no free slot`;
        void job.fail({ errorMessage: `${why}; job handed back`, retries: raw.retries, retryBackOff: 0 }).catch(() => undefined);
        return;
      }
      const work = executeJob(worker, job, opts.services, opts.log, observer, slot)
        .catch((err: unknown) => opts.log.error({ err: (err as Error).message, jobKey: raw.key }, 'job execution failed outside the runtime'))
        .finally(() => {
          slot.release();
          running.delete(work);
        });
      running.set(work, { key: raw.key, type: raw.type, processInstanceKey: raw.processInstanceKey, elementId: raw.elementId });
    };
    streams.push(
      openJobStream({
        gateway,
        type,
        worker: name,
        timeoutMs,
        tenantIds,
        fetchVariables,
        onJob,
        poll: (max) => activateJobsNow(gateway, { type, worker: name, timeoutMs, max, tenantIds, fetchVariables }),
        freeCapacity: () => (draining ? 0 : slots.free),
        pollIntervalMs: opts.pollIntervalMs ?? 10_000,
        log: opts.log,
      }),
    );
    types.push(type);
    opts.log.info({ jobType: type, worker: name }, 'job stream open');
  }

  return {
    jobTypes: types,
    inFlight: () => running.size,
    runningJobs: () => [...running.values()],
    async drain(graceMs: number): Promise<DrainResult> {
      draining = true;
      for (const s of streams) s.close();
      const deadline = Date.now() + graceMs;
      while (running.size > 0 && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.allSettled([...running.keys()]), new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))))]);
        clearTimeout(timer);
      }
      if (own) gateway.close();
      return running.size === 0 ? { kind: 'drained' } : { kind: 'timed-out', left: [...running.values()] };
    },
  };
}

function requireAddress(address: string | undefined): string {
  if (address === undefined) throw new Error('startFarm needs a gateway or a gatewayAddress');
  return address;
}

/** The runtime's view of a gateway job: its data, and the three engine commands that answer it. */
function handleOf(raw: ActivatedJob, zeebe: JobCommands): JobHandle {
  return {
    key: raw.key,
    type: raw.type,
    retries: raw.retries,
    processInstanceKey: raw.processInstanceKey,
    bpmnProcessId: raw.bpmnProcessId,
    elementId: raw.elementId,
    elementInstanceKey: raw.elementInstanceKey,
    tenantId: raw.tenantId,
    deadline: raw.deadline,
    variables: parseJson(raw.variables),
    customHeaders: parseJson(raw.customHeaders),
    complete: (variables) => zeebe.completeJob({ jobKey: raw.key, variables: variables ?? {} }),
    fail: (conf) => zeebe.failJob({ jobKey: raw.key, errorMessage: conf.errorMessage, retries: conf.retries ?? Math.max(0, raw.retries - 1), retryBackOff: conf.retryBackOff ?? 0 }),
    error: (conf) => zeebe.throwError({ jobKey: raw.key, errorCode: conf.errorCode, errorMessage: conf.errorMessage ?? '', variables: conf.variables }),
  };
}

/** Unreadable JSON reaches the worker's schema check as an empty object, which names the missing fields. */
function parseJson(text: string): Readonly<Record<string, unknown>> {
  try {
    const v: unknown = JSON.parse(text || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Only the variables a worker reads are fetched (its schema's top-level keys), plus those its log lines carry. */
function variableNames(worker: AnyWorker<unknown>): string[] | undefined {
  const shape = (worker.variables as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? [...new Set([...Object.keys(shape), ...LOG_CONTEXT_VARIABLES])] : undefined;
}

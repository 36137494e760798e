// The farm: one job stream (with the SDK's backfill and safety-net polls) per worker, a bound on
// concurrent jobs per process, and a drain on shutdown: stop taking jobs, let running ones finish
// within the job timeout, then close. Replicas are just more farm processes.
import { hostname } from 'node:os';
import type { Zeebe } from '@camunda8/sdk';
import type { Logger } from '../platform/logger.ts';
import type { AnyWorker } from './define-worker.ts';
import { executeJob, type JobHandle, type JobObserver } from './execute-job.ts';
import { Semaphore } from './semaphore.ts';

export interface FarmOptions<S> {
  readonly zeebe: Zeebe.ZeebeGrpcClient;
  readonly workers: readonly AnyWorker<S>[];
  readonly services: S;
  readonly log: Logger;
  /** jobs this process runs at once (across all job types) */
  readonly maxConcurrentJobs: number;
  /** default job timeout; a worker's own timeoutMs wins */
  readonly jobTimeoutMs: number;
  readonly observer?: JobObserver;
  readonly workerName?: string;
  readonly tenantIds?: readonly string[];
  /**
   * Appended to every job type served (tests run an isolated copy of a model whose job types carry
   * the same suffix, so parallel test runs never take each other's jobs).
   */
  readonly jobTypeSuffix?: string;
}

export interface Farm {
  readonly jobTypes: readonly string[];
  inFlight(): number;
  /** Stops taking jobs and waits (up to graceMs) for the running ones; returns how many were still running. */
  drain(graceMs: number): Promise<number>;
}

export async function startFarm<S>(opts: FarmOptions<S>): Promise<Farm> {
  const gate = new Semaphore(opts.maxConcurrentJobs);
  const running = new Set<Promise<unknown>>();
  let draining = false;
  const name = opts.workerName ?? `farm-${hostname()}-${process.pid}`;
  const streams: { close: () => void }[] = [];

  for (const worker of opts.workers) {
    const type = opts.jobTypeSuffix ? `${worker.type}-${opts.jobTypeSuffix}` : worker.type;
    const stream = await opts.zeebe.streamJobs({
      type,
      worker: name,
      timeout: worker.timeoutMs ?? opts.jobTimeoutMs,
      tenantIds: [...(opts.tenantIds ?? ['<default>'])],
      fetchVariables: variableNames(worker),
      taskHandler: async (job) => {
        const handle = job as unknown as JobHandle;
        if (draining) {
          // Shutting down: hand the job straight back so another replica takes it now.
          await handle.fail({ errorMessage: `farm ${name} is shutting down; job handed back`, retries: job.retries, retryBackOff: 0 });
          return job.forward();
        }
        const release = await gate.acquire();
        const work = executeJob(worker, handle, opts.services, opts.log, opts.observer).finally(release);
        running.add(work);
        void work.finally(() => running.delete(work));
        await work;
        return job.forward();
      },
    });
    streams.push(stream);
    opts.log.info({ jobType: type, worker: name }, 'job stream open');
  }

  return {
    jobTypes: opts.workers.map((w) => w.type),
    inFlight: () => running.size,
    async drain(graceMs: number): Promise<number> {
      draining = true;
      for (const s of streams) s.close();
      const deadline = Date.now() + graceMs;
      while (running.size > 0 && Date.now() < deadline) {
        await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))]);
      }
      return running.size;
    },
  };
}

/** Only the variables a worker reads are fetched (its schema's top-level keys). */
function variableNames(worker: AnyWorker<unknown>): string[] | undefined {
  const shape = (worker.variables as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : undefined;
}

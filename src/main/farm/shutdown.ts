// How a farm process stops. The first SIGTERM (or SIGINT) stops taking jobs and lets the running
// ones finish, for at most the job timeout: past it the engine has handed those jobs to another
// replica anyway, so waiting longer only delays the pod. A clean drain exits 0; a second signal or
// the deadline exits 1 with a log line naming the jobs left (they run again elsewhere, and the
// attempt ledger keeps their external calls from happening twice).
import type { Logger } from '../../platform/logger.ts';
import type { AnyWorker } from '../../worker-runtime/define-worker.ts';
import type { Farm, RunningJob } from '../../worker-runtime/farm.ts';

/** Exit code of a farm that did not finish its drain (deadline, second signal, or a failed shutdown). */
export const EXIT_DRAIN_INCOMPLETE = 1;

/** Cleanup after the drain (event side, database pool, HTTP server) may not hold the exit up longer than this. */
const CLEANUP_MS = 10_000;

/**
 * The drain deadline: the longest job timeout among the served job types, shortened by
 * FARM_DRAIN_TIMEOUT_MS when that is set lower.
 */
export function drainGraceMs(o: { readonly jobTimeoutMs: number; readonly drainTimeoutMs?: number | undefined; readonly workers: readonly AnyWorker<unknown>[] }): number {
  const jobTimeout = Math.max(o.jobTimeoutMs, ...o.workers.map((w) => w.timeoutMs ?? o.jobTimeoutMs));
  return Math.min(o.drainTimeoutMs ?? jobTimeout, jobTimeout);
}

export interface ShutdownDeps {
  readonly farm: Pick<Farm, 'drain' | 'inFlight' | 'runningJobs'>;
  readonly graceMs: number;
  readonly log: Logger;
  /** closes what the farm process opened besides the job streams; runs after the drain */
  readonly cleanup: () => Promise<void>;
  readonly exit: (code: number) => void;
}

export interface Shutdown {
  /** call on every SIGTERM / SIGINT */
  onSignal(signal: string): void;
  draining(): boolean;
}

const named = (jobs: readonly RunningJob[]) => jobs.map((j) => `${j.type}#${j.key} (instance ${j.processInstanceKey}, ${j.elementId})`);

export function farmShutdown(deps: ShutdownDeps): Shutdown {
  let started = false;
  let exited = false;
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    deps.exit(code);
  };

  const drainThenExit = async (signal: string) => {
    deps.log.info({ signal, inFlight: deps.farm.inFlight(), graceMs: deps.graceMs }, 'draining: no new jobs, waiting for running ones');
    const result = await deps.farm.drain(deps.graceMs);
    if (result.kind === 'timed-out') {
      deps.log.error({ jobsLeft: named(result.left), graceMs: deps.graceMs }, `drain deadline reached with ${result.left.length} job(s) still running; they time out in the engine and run on another replica`);
    }
    await boundedCleanup(deps);
    deps.log.info({ drained: result.kind === 'drained' }, 'farm stopped');
    exit(result.kind === 'drained' ? 0 : EXIT_DRAIN_INCOMPLETE);
  };

  return {
    draining: () => started,
    onSignal(signal: string) {
      if (!started) {
        started = true;
        void drainThenExit(signal).catch((err: unknown) => {
          deps.log.error({ err: (err as Error).message }, 'shutdown failed');
          exit(EXIT_DRAIN_INCOMPLETE);
        });
        return;
      }
      const left = deps.farm.runningJobs();
      deps.log.error({ signal, jobsLeft: named(left) }, `second ${signal} while draining: stopping now with ${left.length} job(s) unfinished; they run again on another replica`);
      exit(EXIT_DRAIN_INCOMPLETE);
    },
  };
}

async function boundedCleanup(deps: ShutdownDeps): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'gave-up'>((resolve) => (timer = setTimeout(() => resolve('gave-up'), CLEANUP_MS)));
  const done = deps.cleanup().then(
    () => 'done' as const,
    (err: unknown) => {
      deps.log.warn({ err: (err as Error).message }, 'cleanup after drain failed');
      return 'done' as const;
    },
  );
  if ((await Promise.race([done, gaveUp])) === 'gave-up') deps.log.warn({ afterMs: CLEANUP_MS }, 'cleanup after drain did not finish; exiting anyway');
  clearTimeout(timer);
}

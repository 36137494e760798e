// Where a job that just became activatable goes. The runtime only announces it (onJobsAvailable);
// the gateway decides: one open stream of the job's type and tenant gets it (round-robin between
// them), activated for that stream by a command of its own (activateForStream) so the choice is
// journaled and replays. A job no ready stream matches wakes the long polls waiting for its type; jobs
// activatable before a stream opened are left to those polls (the SDK's workers backfill by polling),
// except those announced in the moment before it: the SDK's stream worker opens its stream on a
// channel of its own and backfills on another, and on a fast engine that poll can be answered
// before the stream's connection is even up, so jobs created right then would wait for the next
// backup poll (30 s). A new stream is offered those (activation is single, so a job the poll took
// is simply not activated again).
import { isEngineError, type ActivatedJob, type Engine, type StreamTarget } from '../api.ts';

const DEFAULT_TENANT = '<default>';
/** how far back a new stream is offered jobs announced before it registered */
export const DEFAULT_CATCH_UP_MS = 2_000;
/** backoff before offering a job again after the engine pushed back (RESOURCE_EXHAUSTED) */
const BUSY_RETRY_MS = [50, 200, 800] as const;

type AvailableJob = { readonly key: string; readonly type: string; readonly tenantId: string };

/** One open StreamActivatedJobs call. */
export interface JobStreamEntry {
  readonly type: string;
  readonly target: StreamTarget;
  /** writes the job to the client; false when the stream is gone (the job then goes back) */
  push(job: ActivatedJob): boolean;
  /** false while the client is not reading what was pushed already: it gets no more for now */
  ready(): boolean;
}

/** One waiting ActivateJobs call. */
export interface LongPollEntry {
  readonly type: string;
  readonly tenantIds: readonly string[];
  wake(): void;
}

export interface JobDispatch {
  openStream(entry: JobStreamEntry): () => void;
  waitForJobs(entry: LongPollEntry): () => void;
  /** the streams currently open (for tests and diagnostics) */
  readonly openStreams: number;
  close(): void;
}

export interface JobDispatchOptions {
  readonly engine: Engine;
  /** a job could not be activated for a stream (e.g. backpressure): it stays for polling */
  readonly onDispatchError?: ((error: unknown, jobKey: string) => void) | undefined;
  /** default DEFAULT_CATCH_UP_MS; 0 = a new stream gets only jobs announced after it */
  readonly catchUpMs?: number | undefined;
}

/** Streams and polls with no tenant ids serve the default tenant only. */
export function servesTenant(tenantIds: readonly string[] | undefined, tenantId: string): boolean {
  if (!tenantIds || tenantIds.length === 0) return tenantId === DEFAULT_TENANT || tenantId === '';
  return tenantIds.includes(tenantId);
}

export function createJobDispatch(options: JobDispatchOptions): JobDispatch {
  const { engine } = options;
  const streams = new Set<JobStreamEntry>();
  const polls = new Set<LongPollEntry>();
  const turnByType = new Map<string, number>();
  const catchUpMs = options.catchUpMs ?? DEFAULT_CATCH_UP_MS;
  // jobs announced lately, oldest first (wall clock: a transport matter, not engine state)
  const recent: { readonly job: AvailableJob; readonly at: number }[] = [];
  const forgetOld = (now: number) => {
    let drop = 0;
    while (drop < recent.length && (recent[drop]?.at ?? now) < now - catchUpMs) drop += 1;
    if (drop > 0) recent.splice(0, drop);
  };

  const pickStream = (job: AvailableJob): JobStreamEntry | undefined => {
    const matching = [...streams].filter((entry) => entry.type === job.type && servesTenant(entry.target.tenantIds, job.tenantId) && entry.ready());
    if (matching.length === 0) return undefined;
    const turn = turnByType.get(job.type) ?? 0;
    turnByType.set(job.type, turn + 1);
    return matching[turn % matching.length];
  };

  let closed = false;
  const pushToStream = async (job: AvailableJob, stream: JobStreamEntry, busyRetries: number): Promise<void> => {
    try {
      const activated = await engine.activateForStream(job.key, stream.target);
      if (!activated) return; // someone else (a poll, another stream) took it first
      if (stream.push(activated)) return;
      await engine.returnJob(job.key);
      dispatch([job]); // the stream broke under us: another one may take it, else a poll
    } catch (error) {
      const delay = BUSY_RETRY_MS[busyRetries];
      // a full command queue passes; without a retry the job would wait for the next backup poll
      if (isEngineError(error) && error.code === 'RESOURCE_EXHAUSTED' && delay !== undefined) {
        setTimeout(() => dispatch([job], busyRetries + 1), delay).unref();
        return;
      }
      options.onDispatchError?.(error, job.key);
    }
  };

  const dispatch = (jobs: readonly AvailableJob[], busyRetries = 0): void => {
    if (closed) return;
    const unclaimed: AvailableJob[] = [];
    for (const job of jobs) {
      const stream = pickStream(job);
      if (stream) void pushToStream(job, stream, busyRetries);
      else unclaimed.push(job);
    }
    for (const poll of [...polls]) {
      if (unclaimed.some((job) => job.type === poll.type && servesTenant(poll.tenantIds, job.tenantId))) poll.wake();
    }
  };

  // the listener runs inside the engine's command loop: decide after it, never re-entrantly
  const unsubscribe = engine.onJobsAvailable((jobs) => {
    const copy = jobs.map((job) => ({ key: job.key, type: job.type, tenantId: job.tenantId }));
    if (catchUpMs > 0) {
      const now = Date.now();
      forgetOld(now);
      for (const job of copy) recent.push({ job, at: now });
    }
    setImmediate(() => dispatch(copy));
  });

  return {
    openStream(entry) {
      streams.add(entry);
      forgetOld(Date.now());
      const catchUp = recent.filter(({ job }) => job.type === entry.type && servesTenant(entry.target.tenantIds, job.tenantId)).map(({ job }) => job);
      if (catchUp.length > 0) setImmediate(() => catchUp.forEach((job) => void pushToStream(job, entry, 0)));
      return () => streams.delete(entry);
    },
    waitForJobs(entry) {
      polls.add(entry);
      return () => polls.delete(entry);
    },
    get openStreams() {
      return streams.size;
    },
    close() {
      closed = true;
      unsubscribe();
      streams.clear();
      polls.clear();
    },
  };
}

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
/**
 * Jobs pushed to one stream and not yet answered (completed, failed, error thrown) or timed out,
 * past which the stream is offered no more: a worker that stopped reading (it has no free slot)
 * cannot be seen through the transport (grpc-js hands each written message to HTTP/2 at once,
 * flow control or not), so its jobs would otherwise pile up in the gateway's send queue with their
 * timeouts running. Jobs it cannot take go to other streams or polls meanwhile (job push backpressure).
 */
export const MAX_UNANSWERED_PUSHES = 64;
/** passed-over jobs remembered for a second offer; beyond it they are left to polls */
const MAX_PASSED_OVER = 10_000;
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
  /** a worker answered the job (complete, fail, throw error): it no longer counts against its stream */
  answered(jobKey: string): void;
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

  // pushed jobs not answered yet, by job key, and their count per stream
  const unanswered = new Map<string, { readonly stream: JobStreamEntry; readonly deadline: number }>();
  const unansweredBy = new Map<JobStreamEntry, number>();
  const forgetPush = (jobKey: string): void => {
    const pushed = unanswered.get(jobKey);
    if (!pushed) return;
    unanswered.delete(jobKey);
    unansweredBy.set(pushed.stream, (unansweredBy.get(pushed.stream) ?? 1) - 1);
  };
  /** a job past its deadline was answered by nobody: the engine re-offers it, the stream is not charged for it */
  const forgetTimedOut = (now: number): void => {
    for (const [jobKey, pushed] of unanswered) if (pushed.deadline <= now) forgetPush(jobKey);
  };
  const hasRoom = (entry: JobStreamEntry): boolean => (unansweredBy.get(entry) ?? 0) < MAX_UNANSWERED_PUSHES;
  // jobs passed over only because their streams had no room: offered again when an answer makes room
  const passedOver = new Map<string, AvailableJob>();

  const pickStream = (job: AvailableJob): JobStreamEntry | undefined => {
    const candidates = [...streams].filter((entry) => entry.type === job.type && servesTenant(entry.target.tenantIds, job.tenantId) && entry.ready());
    // deadlines are on the engine clock (tests pin and move it)
    if (candidates.some((entry) => !hasRoom(entry))) forgetTimedOut(engine.clock().now);
    const matching = candidates.filter(hasRoom);
    if (matching.length === 0 && candidates.length > 0 && passedOver.size < MAX_PASSED_OVER) passedOver.set(job.key, job);
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
      if (stream.push(activated)) {
        unanswered.set(activated.key, { stream, deadline: activated.deadline });
        unansweredBy.set(stream, (unansweredBy.get(stream) ?? 0) + 1);
        return;
      }
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
      return () => {
        streams.delete(entry);
        // its jobs stay with its worker (they may be running) until answered or timed out; only the count goes
        for (const [jobKey, pushed] of unanswered) if (pushed.stream === entry) unanswered.delete(jobKey);
        unansweredBy.delete(entry);
      };
    },
    answered(jobKey) {
      const pushed = unanswered.get(jobKey);
      forgetPush(jobKey);
      if (pushed && passedOver.size > 0 && hasRoom(pushed.stream)) {
        // a poll may have taken some meanwhile: activation is single, those are simply not pushed
        const again = [...passedOver.values()];
        passedOver.clear();
        setImmediate(() => dispatch(again));
      }
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
      unanswered.clear();
      unansweredBy.clear();
      passedOver.clear();
      polls.clear();
    },
  };
}

/** A job command handler that also tells the dispatch the job was answered (whatever the engine said). */
export function answering<Req extends { jobKey?: string }, Res>(dispatch: Pick<JobDispatch, 'answered'>, handler: (request: Req) => Promise<Res>): (request: Req) => Promise<Res> {
  return async (request) => {
    try {
      return await handler(request);
    } finally {
      if (request.jobKey !== undefined) dispatch.answered(String(request.jobKey));
    }
  };
}

// ActivateJobs with long polling: what is activatable now is answered at once; with nothing to
// hand out the call waits (requestTimeout 0 = the gateway default, > 0 = that long, < 0 = not at
// all) and tries again each time the dispatch says a job of its type is free for polling.
// The call answers with the first jobs it gets, then ends, as Zeebe's gateway does.
import type * as grpc from '@grpc/grpc-js';
import type { ActivatedJob, Engine } from '../api.ts';
import { identityEncodingHeaders } from './encoding.ts';
import type { JobDispatch } from './job-dispatch.ts';
import { toActivateRequest, type ActivateJobsWire } from './jobs.ts';
import type { OpenCalls } from './open-calls.ts';
import { parseNumber, toWireJob } from './wire.ts';

export const DEFAULT_LONG_POLL_MS = 10_000;

export function activateJobs(engine: Engine, dispatch: JobDispatch, openCalls: OpenCalls) {
  return (call: grpc.ServerWritableStream<ActivateJobsWire, unknown>): Promise<void> => {
    const request = toActivateRequest(call.request);
    const requestTimeout = parseNumber('requestTimeout', call.request.requestTimeout);
    const waitMs = requestTimeout === 0 ? DEFAULT_LONG_POLL_MS : requestTimeout;
    call.sendMetadata(identityEncodingHeaders());

    return new Promise<void>((resolve, reject) => {
      let finished = false;
      let expired = waitMs < 0;
      let running = false;
      let again = false;
      let timer: NodeJS.Timeout | undefined;
      let unregister = () => {};
      let untrack = () => {};

      const finish = (jobs: readonly ActivatedJob[], error?: unknown) => {
        if (finished) return;
        finished = true;
        unregister();
        untrack();
        clearTimeout(timer);
        if (error !== undefined) return reject(error);
        if (jobs.length && !call.cancelled) call.write({ jobs: jobs.map(toWireJob) });
        if (!call.cancelled) call.end();
        resolve();
      };

      // one activation at a time per call; a wake during one runs another right after
      const attempt = async (): Promise<void> => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          do {
            again = false;
            if (finished) return;
            const jobs = await engine.activateJobs(request);
            if (finished || call.cancelled) {
              // activated for a caller that left meanwhile: give them back, retries unchanged
              await Promise.allSettled(jobs.map((job) => engine.returnJob(job.key)));
              return finish([]);
            }
            if (jobs.length || expired) return finish(jobs);
          } while (again);
        } catch (error) {
          finish([], error);
        } finally {
          running = false;
        }
      };

      if (!expired) {
        unregister = dispatch.waitForJobs({ type: request.type, tenantIds: request.tenantIds ?? [], wake: () => void attempt() });
        untrack = openCalls.register(() => finish([]));
        timer = setTimeout(() => {
          expired = true;
          if (!running) finish([]);
        }, waitMs);
        call.on('cancelled', () => {
          if (!running) finish([]);
        });
      }
      void attempt();
    });
  };
}

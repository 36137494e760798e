// StreamActivatedJobs: a long-lived call that registers the worker with the dispatch. Response
// headers go out as soon as it is registered (the farm's stream waits for them before it trusts
// the stream); jobs are written as the dispatch activates them for it. The call ends when the
// client cancels or the gateway closes.
import type * as grpc from '@grpc/grpc-js';
import type { ActivatedJob } from '../api.ts';
import { identityEncodingHeaders } from './encoding.ts';
import type { JobDispatch } from './job-dispatch.ts';
import { toStreamTarget, type ActivateJobsWire } from './jobs.ts';
import type { OpenCalls } from './open-calls.ts';
import { toWireJob } from './wire.ts';

/** pushed jobs a client may leave unread before its stream is passed over (it is stuck, not slow) */
export const MAX_UNREAD_PUSHES = 256;

export function streamActivatedJobs(dispatch: JobDispatch, openCalls: OpenCalls) {
  return (call: grpc.ServerWritableStream<ActivateJobsWire, unknown>): Promise<void> => {
    const { type, target } = toStreamTarget(call.request);
    return new Promise<void>((resolve) => {
      const gone = () => call.cancelled || call.destroyed || call.writableEnded;
      const unregister = dispatch.openStream({
        type,
        target,
        ready: () => !gone() && call.writableLength < MAX_UNREAD_PUSHES,
        push(job: ActivatedJob) {
          if (gone()) return false;
          try {
            call.write(toWireJob(job));
            return true;
          } catch {
            return false;
          }
        },
      });
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        unregister();
        untrack();
        if (!gone()) call.end();
        resolve();
      };
      const untrack = openCalls.register(end);
      call.on('cancelled', end);
      call.on('close', end);
      call.on('error', end);
      call.sendMetadata(identityEncodingHeaders());
    });
  };
}

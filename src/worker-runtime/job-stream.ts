// A job stream that survives the engine: the gateway pushes jobs of one type over a long-lived
// gRPC stream (StreamActivatedJobs); when the stream breaks (gateway restart, network) it is
// reopened with backoff, followed by a catch-up poll, and a slow backup poll runs all along for jobs
// a stream can miss. (The SDK's streamJobs neither reconnects nor lets a closed stream end quietly.)
import * as grpc from '@grpc/grpc-js';
import type { GatewayConnection } from '../platform/gateway-client.ts';
import type { Logger } from '../platform/logger.ts';

/** A job as the gateway sends it (int64 fields as strings; variables and headers as JSON text). */
export interface ActivatedJob {
  readonly key: string;
  readonly type: string;
  readonly processInstanceKey: string;
  readonly bpmnProcessId: string;
  readonly processDefinitionVersion: number;
  readonly processDefinitionKey: string;
  readonly elementId: string;
  readonly elementInstanceKey: string;
  readonly customHeaders: string;
  readonly worker: string;
  readonly retries: number;
  readonly deadline: string;
  readonly variables: string;
  readonly tenantId: string;
}

// the channel (streams, polls and commands share it) is the platform's gateway client
export { connectGateway, type GatewayConnection } from '../platform/gateway-client.ts';

export interface JobStreamOptions {
  readonly gateway: GatewayConnection;
  readonly type: string;
  readonly worker: string;
  readonly timeoutMs: number;
  readonly tenantIds: readonly string[];
  readonly fetchVariables?: readonly string[] | undefined;
  /** auth headers for the gateway (none on an unauthenticated local gateway) */
  readonly metadata?: () => Promise<Record<string, string>>;
  readonly onJob: (job: ActivatedJob) => void;
  /** the backup poll: activates up to `max` jobs of the type */
  readonly poll: (max: number) => Promise<readonly ActivatedJob[]>;
  /** how many more jobs this process could start now (the poll takes no more) */
  readonly freeCapacity: () => number;
  readonly pollIntervalMs: number;
  readonly log: Logger;
}

export interface JobStream {
  /**
   * Stops reading pushed jobs (the process has no free slot): grpc-js then reads at most a few
   * messages ahead and HTTP/2 flow control holds the rest at the gateway, which offers a stream no
   * more once 64 of its pushed jobs are unanswered (engine/src/gateway/job-dispatch.ts) and passes
   * them to other workers or polls.
   */
  pause(): void;
  resume(): void;
  close(): void;
}

export function openJobStream(opts: JobStreamOptions): JobStream {
  let closed = false;
  let call: grpc.ClientReadableStream<ActivatedJob> | undefined;
  let retryMs = 500;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let broken = false;
  let paused = false;

  const poll = async (reason: string) => {
    const max = Math.min(32, opts.freeCapacity());
    if (closed || max <= 0) return;
    try {
      const jobs = await opts.poll(max);
      if (jobs.length) opts.log.debug({ jobType: opts.type, jobs: jobs.length, reason }, 'jobs activated by poll');
      for (const job of jobs) opts.onJob(job);
    } catch (err) {
      opts.log.debug({ jobType: opts.type, err: (err as Error).message }, 'backup poll failed; the next one retries');
    }
  };

  const schedulePoll = () => {
    pollTimer = setTimeout(() => {
      void poll('backup').finally(() => {
        if (!closed) schedulePoll();
      });
    }, opts.pollIntervalMs);
    pollTimer.unref?.();
  };

  const reconnect = (why: string) => {
    if (closed || reconnectTimer) return;
    if (!broken) opts.log.warn({ jobType: opts.type, why }, 'job stream lost; reconnecting');
    broken = true;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void open();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  };

  const open = async () => {
    if (closed) return;
    const md = new grpc.Metadata();
    const headers: Record<string, string> = (await opts.metadata?.().catch(() => ({}))) ?? {};
    for (const [k, v] of Object.entries(headers)) md.set(k, v);
    const request = { type: opts.type, worker: opts.worker, timeout: String(opts.timeoutMs), fetchVariable: [...(opts.fetchVariables ?? [])], tenantIds: [...opts.tenantIds] };
    const stream = (opts.gateway.client.StreamActivatedJobs as (req: object, md: grpc.Metadata) => grpc.ClientReadableStream<ActivatedJob>)(request, md);
    call = stream;
    if (paused) stream.pause();
    // the gateway answers with headers once the stream is registered
    stream.on('metadata', () => {
      if (broken) opts.log.info({ jobType: opts.type }, 'job stream restored');
      broken = false;
      retryMs = 500;
    });
    stream.on('data', (job: ActivatedJob) => opts.onJob(job));
    stream.on('error', (err: grpc.ServiceError) => {
      if (closed || err.code === grpc.status.CANCELLED) return;
      reconnect(`${grpc.status[err.code] ?? err.code}: ${err.details}`);
    });
    stream.on('end', () => {
      if (!closed) reconnect('stream ended by the gateway');
    });
    // jobs that became activatable while no stream was open
    await poll(broken ? 'catch-up after reconnect' : 'initial backfill');
  };

  void open();
  schedulePoll();
  return {
    pause() {
      paused = true;
      call?.pause();
    },
    resume() {
      paused = false;
      call?.resume();
    },
    close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      if (pollTimer) clearTimeout(pollTimer);
      call?.cancel();
    },
  };
}

/** ActivateJobs without long polling: what is activatable now, up to max. */
export function activateJobsNow(gateway: GatewayConnection, req: { type: string; worker: string; timeoutMs: number; max: number; tenantIds: readonly string[]; fetchVariables?: readonly string[] | undefined }): Promise<ActivatedJob[]> {
  return new Promise((resolve, reject) => {
    const jobs: ActivatedJob[] = [];
    const call = (gateway.client.ActivateJobs as (r: object, o: grpc.CallOptions) => grpc.ClientReadableStream<{ jobs: ActivatedJob[] }>)(
      { type: req.type, worker: req.worker, timeout: String(req.timeoutMs), maxJobsToActivate: req.max, fetchVariable: [...(req.fetchVariables ?? [])], requestTimeout: '-1', tenantIds: [...req.tenantIds] },
      { deadline: Date.now() + 10_000 },
    );
    call.on('data', (res: { jobs: ActivatedJob[] }) => jobs.push(...res.jobs));
    call.on('error', reject);
    call.on('end', () => resolve(jobs));
  });
}

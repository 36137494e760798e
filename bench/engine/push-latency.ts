// Part 3: push latency at low load — one instance of the one-task model at a time. The job's
// creation is taken as the moment the createProcessInstance answer reaches the client (the engine
// answers once the creation is durable); the job is "in the worker" when the SDK stream worker's
// handler is called. A job can reach the worker before the answer reaches the client: that sample
// is 0 ms (the job was there as soon as its creation was known) and is counted apart. The figure
// from the request being sent (the create round trip included) is kept beside it as an upper bound.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { progress } from '../support/progress.ts';
import { summarize, type Summary } from '../support/stats.ts';
import type { OneTaskModel } from './one-task-model.ts';
import { closeQuietly } from './sdk-client.ts';

export interface PushLatencyOptions {
  readonly zeebe: ZeebeGrpcClient;
  readonly model: OneTaskModel;
  readonly samples: number;
  readonly warmup: number;
  /** pause between samples (ms) */
  readonly gapMs: number;
}

export interface PushLatencyResult {
  /** createProcessInstance answered → job in the worker (negative clamped to 0) */
  readonly fromAnswerMs: Summary;
  /** createProcessInstance sent → job in the worker */
  readonly fromRequestMs: Summary;
  /** jobs that reached the worker before the create answer reached the client */
  readonly beforeAnswer: number;
  /** samples whose job did not arrive within 5 s */
  readonly lost: number;
}

export async function measurePushLatency(o: PushLatencyOptions): Promise<PushLatencyResult> {
  const received = new Map<string, number>();
  const completed = new Map<string, Promise<unknown>>();
  let waiter: { key: string; wake: () => void } | undefined;
  const worker = await o.zeebe.streamJobs({
    type: o.model.jobType,
    worker: 'bench-engine-latency',
    timeout: 60_000,
    tenantIds: ['<default>'],
    taskHandler: (job) => {
      received.set(job.processInstanceKey, performance.now());
      completed.set(job.processInstanceKey, o.zeebe.completeJob({ jobKey: job.key, variables: {} }).catch(() => undefined));
      if (waiter?.key === job.processInstanceKey) waiter.wake();
      return job.forward();
    },
  });
  const fromAnswer: number[] = [];
  const fromRequest: number[] = [];
  let beforeAnswer = 0;
  let lost = 0;
  const p = progress('push latency', 5_000);
  try {
    for (let i = 0; i < o.warmup + o.samples; i++) {
      const sent = performance.now();
      const { processInstanceKey: key } = await o.zeebe.createProcessInstance({ bpmnProcessId: o.model.bpmnProcessId, variables: {} });
      const answered = performance.now();
      if (!received.has(key)) {
        await Promise.race([new Promise<void>((wake) => (waiter = { key, wake })), sleep(5_000)]);
        waiter = undefined;
      }
      const at = received.get(key);
      if (i >= o.warmup) {
        if (at === undefined) lost++;
        else {
          if (at < answered) beforeAnswer++;
          fromAnswer.push(Math.max(0, at - answered));
          fromRequest.push(at - sent);
        }
      }
      // the next sample starts on an idle engine: this job's completion is answered first
      await completed.get(key);
      received.delete(key);
      completed.delete(key);
      p.line(`${Math.max(0, i + 1 - o.warmup)}/${o.samples} samples (after ${Math.min(i + 1, o.warmup)} warm-up)`);
      if (o.gapMs > 0) await sleep(o.gapMs);
    }
  } finally {
    await closeQuietly(worker);
  }
  return { fromAnswerMs: summarize(fromAnswer), fromRequestMs: summarize(fromRequest), beforeAnswer, lost };
}

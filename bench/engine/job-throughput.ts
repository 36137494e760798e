// Part 1: completed jobs/s on the one-task model. Lanes start instances while fewer than
// `inFlight` are unfinished; a bare SDK streaming worker completes each job at once. After a
// warm-up, the steady load is cut into back-to-back rounds of `roundS` seconds; a round's figure is
// the jobs completed inside its window over its length.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { progress } from '../support/progress.ts';
import { cpuWindow, type CpuUse, type Processes } from './cpu.ts';
import { inFlight, runLanes } from './in-flight.ts';
import type { OneTaskModel } from './one-task-model.ts';
import { closeQuietly } from './sdk-client.ts';

export interface ThroughputOptions {
  readonly zeebe: ZeebeGrpcClient;
  readonly model: OneTaskModel;
  readonly warmupS: number;
  readonly rounds: number;
  readonly roundS: number;
  /** unfinished instances at most */
  readonly inFlight: number;
  /** createProcessInstance calls at once */
  readonly lanes: number;
  /** processes whose CPU each round records (the engine, this process) */
  readonly processes: Processes;
}

export interface ThroughputRound {
  readonly round: number;
  readonly seconds: number;
  readonly jobs: number;
  readonly jobsPerSecond: number;
  /** CPU per process over the round */
  readonly cpu: CpuUse;
}

export interface ThroughputResult {
  readonly rounds: readonly ThroughputRound[];
  readonly started: number;
  readonly completed: number;
  /** createProcessInstance or completeJob refused (first messages kept) */
  readonly refused: number;
  readonly errors: readonly string[];
  /** instances still unfinished when the drain gave up */
  readonly undrained: number;
}

export async function measureJobThroughput(o: ThroughputOptions): Promise<ThroughputResult> {
  const gate = inFlight(o.inFlight);
  let started = 0;
  let completed = 0;
  let refused = 0;
  const errors: string[] = [];
  const refuse = (err: unknown) => {
    refused++;
    if (errors.length < 5) errors.push((err as Error).message ?? String(err));
  };
  const worker = await o.zeebe.streamJobs({
    type: o.model.jobType,
    worker: 'bench-engine-throughput',
    timeout: 60_000,
    tenantIds: ['<default>'],
    taskHandler: (job) => {
      o.zeebe.completeJob({ jobKey: job.key, variables: {} }).then(
        () => {
          completed++;
          gate.release();
        },
        (err: unknown) => {
          refuse(err);
          gate.release();
        },
      );
      return job.forward();
    },
  });
  const load = runLanes(o.lanes, gate, async () => {
    started++;
    await o.zeebe.createProcessInstance({ bpmnProcessId: o.model.bpmnProcessId, variables: {} });
  }, refuse);

  const p = progress('throughput', 5_000);
  const watch = async (seconds: number, label: string): Promise<{ jobs: number; seconds: number }> => {
    const t0 = performance.now();
    const c0 = completed;
    let lastC = c0;
    let lastT = t0;
    while (performance.now() - t0 < seconds * 1000) {
      await sleep(Math.min(250, Math.max(1, seconds * 1000 - (performance.now() - t0))));
      const now = performance.now();
      if (now - lastT >= 5_000) {
        p.line(`${label}: ${((completed - lastC) / ((now - lastT) / 1000)).toFixed(0)} jobs/s, ${gate.taken} in flight, ${refused} refused`);
        lastC = completed;
        lastT = now;
      }
    }
    return { jobs: completed - c0, seconds: (performance.now() - t0) / 1000 };
  };

  const rounds: ThroughputRound[] = [];
  try {
    await watch(o.warmupS, 'warm-up');
    for (let r = 1; r <= o.rounds; r++) {
      const cpu = cpuWindow(o.processes);
      const w = await watch(o.roundS, `round ${r}/${o.rounds}`);
      rounds.push({ round: r, seconds: w.seconds, jobs: w.jobs, jobsPerSecond: w.jobs / w.seconds, cpu: cpu.take() });
      p.line(`round ${r}/${o.rounds}: ${w.jobs} jobs in ${w.seconds.toFixed(1)}s = ${(w.jobs / w.seconds).toFixed(0)} jobs/s`, true);
    }
  } finally {
    gate.stop();
    await load;
    // let the instances in flight finish, so the next part starts on a quiet engine
    const deadline = performance.now() + 30_000;
    while (completed + refused < started && performance.now() < deadline) await sleep(50);
    await closeQuietly(worker);
  }
  return { rounds, started, completed, refused, errors, undrained: Math.max(0, started - completed - refused) };
}

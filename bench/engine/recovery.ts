// Part 4: how fast the engine process is up, how fast it is back with a full state, and what that
// state costs in memory. Cold starts on empty data folders; then `instances` instances parked at a
// service task nobody works on, the engine's RSS with them, and restarts on that data folder after
// SIGKILL (recovery from the journal as after a crash) and after SIGTERM (a clean stop). After the
// last restart, the parked jobs are activated to check that every instance came back.
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { progress } from '../support/progress.ts';
import { deployOneTask } from './deploy.ts';
import { nodeBootMs, spawnEngine, type EngineProcess } from './engine-process.ts';
import { inFlight, runLanes } from './in-flight.ts';
import { oneTaskModel } from './one-task-model.ts';
import { sdkClient } from './sdk-client.ts';

export interface RecoveryOptions {
  /** where data folders and logs go */
  readonly workDir: string;
  readonly coldStarts: number;
  readonly instances: number;
  readonly restarts: number;
  readonly lanes: number;
}

export interface RecoveryResult {
  /** spawn → exit of an empty Node process, measured beside the cold starts */
  readonly nodeBootMs: readonly number[];
  /** spawn → startEngine called, per cold start (Node's boot and the entry point's modules; from the engine's log) */
  readonly coldBeforeStartMs: readonly (number | undefined)[];
  readonly coldStartMs: readonly number[];
  /** the engine's own startEngine figure of each cold start / restart (undefined when it did not log one) */
  readonly coldReadyMs: readonly (number | undefined)[];
  readonly restartReadyMs: readonly (number | undefined)[];
  readonly instances: number;
  readonly createSeconds: number;
  readonly createRefused: number;
  readonly createErrors: readonly string[];
  readonly rssEmptyMb: number;
  readonly rssWithInstancesMb: number;
  readonly restartAfterKillMs: readonly number[];
  readonly restartAfterStopMs: readonly number[];
  readonly rssAfterRestartMb: number;
  /** parked jobs activatable after the last restart (should equal `instances`) */
  readonly recoveredJobs: number;
}

export async function measureRecovery(o: RecoveryOptions): Promise<RecoveryResult> {
  const p = progress('start/recovery', 5_000);
  const coldStartMs: number[] = [];
  const coldReadyMs: (number | undefined)[] = [];
  const bootMs: number[] = [];
  const coldBeforeStartMs: (number | undefined)[] = [];
  for (let i = 1; i <= o.coldStarts; i++) {
    bootMs.push(await nodeBootMs());
    const dataDir = mkdtempSync(path.join(o.workDir, 'cold-'));
    const engine = await spawnEngine({ dataDir, logFile: path.join(o.workDir, `cold-${i}.log`) });
    coldStartMs.push(engine.startMs);
    coldReadyMs.push(engine.readyMs);
    coldBeforeStartMs.push(engine.beforeStartMs);
    p.line(`cold start ${i}/${o.coldStarts}: ${engine.startMs.toFixed(0)} ms (before startEngine ${engine.beforeStartMs ?? '?'} ms, startEngine ${engine.readyMs ?? '?'} ms; an empty Node process ${bootMs.at(-1)?.toFixed(0)} ms)`, true);
    await engine.stop();
  }

  const dataDir = mkdtempSync(path.join(o.workDir, 'parked-'));
  const logFile = path.join(o.workDir, 'parked.log');
  let engine: EngineProcess = await spawnEngine({ dataDir, logFile });
  const ports = { grpc: Number(engine.grpcAddress.split(':').pop()), rest: Number(new URL(engine.restAddress).port) };
  let zeebe: ZeebeGrpcClient = sdkClient(engine.grpcAddress);
  try {
    const model = oneTaskModel('bench-parked', 'bench.parked');
    await deployOneTask(zeebe, model);
    await sleep(1_000);
    const rssEmptyMb = engine.rssMb();

    // instances parked at the task: no worker takes its jobs
    const gate = inFlight(o.lanes);
    let created = 0;
    let refused = 0;
    const errors: string[] = [];
    const t0 = performance.now();
    await runLanes(o.lanes, gate, async () => {
      if (created + refused >= o.instances) {
        gate.release();
        gate.stop();
        return;
      }
      created++;
      await zeebe.createProcessInstance({ bpmnProcessId: model.bpmnProcessId, variables: { orderId: `parked-${created}` } });
      gate.release();
      p.line(`${created}/${o.instances} instances created`);
    }, (err) => {
      created--;
      refused++;
      if (errors.length < 5) errors.push((err as Error).message);
      if (refused > o.instances) gate.stop();
    });
    const createSeconds = (performance.now() - t0) / 1000;
    p.line(`${created} instances parked in ${createSeconds.toFixed(1)}s (${refused} refused)`, true);
    await sleep(2_000);
    const rssWithInstancesMb = engine.rssMb();
    p.line(`engine RSS: ${rssEmptyMb.toFixed(0)} MB empty, ${rssWithInstancesMb.toFixed(0)} MB with ${created} active instances`, true);

    await zeebe.close();
    const restartReadyMs: (number | undefined)[] = [];
    const restart = async (how: 'kill' | 'stop', i: number): Promise<number> => {
      if (how === 'kill') await engine.kill();
      else await engine.stop();
      engine = await spawnEngine({ dataDir, logFile, ports });
      restartReadyMs.push(engine.readyMs);
      p.line(`restart ${i}/${o.restarts} after ${how === 'kill' ? 'SIGKILL' : 'SIGTERM'}: ${engine.startMs.toFixed(0)} ms (startEngine, recovery included, ${engine.readyMs ?? '?'} ms)`, true);
      return engine.startMs;
    };
    const restartAfterKillMs: number[] = [];
    for (let i = 1; i <= o.restarts; i++) restartAfterKillMs.push(await restart('kill', i));
    const restartAfterStopMs: number[] = [];
    for (let i = 1; i <= o.restarts; i++) restartAfterStopMs.push(await restart('stop', i));
    await sleep(2_000);
    const rssAfterRestartMb = engine.rssMb();

    zeebe = sdkClient(engine.grpcAddress);
    const recoveredJobs = await activateAll(zeebe, model.jobType, created);
    p.line(`after the restarts: ${recoveredJobs}/${created} parked jobs activatable; RSS ${rssAfterRestartMb.toFixed(0)} MB`, true);
    return { nodeBootMs: bootMs, coldBeforeStartMs, coldStartMs, coldReadyMs, restartReadyMs, instances: created, createSeconds, createRefused: refused, createErrors: errors, rssEmptyMb, rssWithInstancesMb, restartAfterKillMs, restartAfterStopMs, rssAfterRestartMb, recoveredJobs };
  } finally {
    await zeebe.close().catch(() => undefined);
    await engine.stop();
  }
}

/** Activates the type's jobs in batches until none is left (or `expected` are found); returns how many. */
async function activateAll(zeebe: ZeebeGrpcClient, type: string, expected: number): Promise<number> {
  let found = 0;
  const deadline = performance.now() + 60_000;
  while (found < expected && performance.now() < deadline) {
    const jobs = await zeebe.activateJobs({ type, worker: 'bench-engine-recovery', timeout: 600_000, maxJobsToActivate: Math.min(1_000, expected - found), requestTimeout: -1 });
    if (jobs.length === 0) break;
    found += jobs.length;
  }
  return found;
}

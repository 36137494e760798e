// Part 2: the order-fulfillment model with bare no-op workers, as bench:throughput measured its
// "bare" side on Camunda 8.6 (the figure compared against): the same bare replica
// (bench/support/bare-workers.ts in a child process: job streams, completes each job with the
// variables the happy path needs, publishes ProvisioningCompleted by provisioningTaskId from the
// provisioning submission's handler), the same start message with the intake's variables, one item
// per order, timed from the first order put in to the last order's final job completed. Unlike that
// bench, orders are put in while fewer than `inFlight` are unfinished, and rounds are sized from a
// warm-up and the round before so each lasts about `roundS` seconds.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ZeebeGrpcClient } from '@camunda8/sdk/dist/zeebe/index.js';
import { loadConfig } from '../../src/platform/config.ts';
import { inParallel, ordinaryOrders, startBareInstances } from '../support/load.ts';
import { measureLoad, type LoadResult } from '../support/measure.ts';
import { progress } from '../support/progress.ts';
import { Replica } from '../support/replicas.ts';
import { cpuWindow, type CpuUse, type Processes } from './cpu.ts';
import { deployFulfillmentCopy } from './deploy.ts';

export interface FulfillmentOptions {
  readonly zeebe: ZeebeGrpcClient;
  readonly grpcAddress: string;
  readonly restAddress: string;
  readonly logDir: string;
  readonly warmupOrders: number;
  readonly rounds: number;
  readonly roundS: number;
  /** fewest orders per round, whatever the warm-up rate */
  readonly minOrders: number;
  readonly inFlight: number;
  /** start messages published at once */
  readonly parallel: number;
  /** jobs at once in the bare replica (its backup poll's bound; the streams push regardless) */
  readonly concurrency: number;
  /** processes whose CPU each round records (the engine, this process); the bare replica is added */
  readonly processes: Processes;
}

export interface FulfillmentRound extends LoadResult {
  readonly round: number;
  /** CPU per process over the round */
  readonly cpu: CpuUse;
}

export interface FulfillmentResult {
  readonly suffix: string;
  readonly warmup: LoadResult;
  readonly rounds: readonly FulfillmentRound[];
  /** jobs per type and outcome, as the bare replica counted them over the whole part */
  readonly jobs: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly replicaPeakRssMb: number;
}

export async function measureFulfillment(o: FulfillmentOptions): Promise<FulfillmentResult> {
  const suffix = `eb${Date.now().toString(36)}`;
  await deployFulfillmentCopy(o.zeebe, suffix);
  const config = loadConfig();
  const replica = await Replica.start({
    name: 'bare',
    mode: 'bare',
    suffix,
    concurrency: o.concurrency,
    env: { ZEEBE_GRPC_ADDRESS: o.grpcAddress, ZEEBE_REST_ADDRESS: o.restAddress, CAMUNDA_AUTH_STRATEGY: 'NONE', LOG_LEVEL: 'warn' },
    logDir: o.logDir,
  });
  const p = progress('fulfillment');
  p.line(`bare replica up (pid ${replica.pid}), model copy -${suffix}`, true);
  try {
    const run = (count: number, label: string): Promise<LoadResult> => {
      const orders = ordinaryOrders(count, 1);
      const finished0 = replica.finished();
      let published = 0;
      return measureLoad({
        label,
        replicas: [replica],
        orders: count,
        timeoutMs: Math.max(60_000, o.roundS * 5_000),
        submit: () =>
          inParallel(orders, o.parallel, async (order) => {
            // the replica reports every 500 ms: the bound is loose by what finishes in that time
            while (published - (replica.finished() - finished0) >= o.inFlight) await sleep(5);
            published++;
            await startBareInstances(o.zeebe, config, suffix, [order], 1);
          }),
      });
    };
    const warmup = await run(o.warmupOrders, 'warm-up');
    // each round sized from the rate of the one before, so it lasts about roundS
    let rate = warmup.ordersPerSecond;
    const rounds: FulfillmentRound[] = [];
    for (let r = 1; r <= o.rounds; r++) {
      const perRound = Math.max(o.minOrders, Math.ceil(rate * o.roundS));
      p.line(`round ${r}/${o.rounds}: ${perRound} orders (${rate.toFixed(1)} instances/s before)`, true);
      const cpu = cpuWindow({ ...o.processes, 'bare replica': replica.pid });
      const result = await run(perRound, `round ${r}/${o.rounds}`);
      rounds.push({ round: r, ...result, cpu: cpu.take() });
      rate = result.ordersPerSecond;
    }
    return { suffix, warmup, rounds, jobs: replica.jobs(), replicaPeakRssMb: replica.memory().peak / (1024 * 1024) };
  } finally {
    await replica.stop();
  }
}

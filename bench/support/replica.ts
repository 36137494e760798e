// One replica for the benchmarks, run as a child process of a bench: either a farm replica (the
// real runtime, workers, services and adapters) or the bare baseline, serving the job types of one
// isolated model copy (`--suffix`). A farm replica runs the event side too (outbox relay and the
// provisioning results consumer, in a consumer group of the run's own), as production replicas do;
// `--events off` leaves it out. It tells its parent over IPC when it is ready and, four times a
// second and soon after each finished order, what it has done and how much memory it holds; asked
// for a window, its CPU time and event-loop delay; with --observe it also measures where each
// job's time goes (job-probe.ts). SIGTERM drains and exits; SIGKILL is what chaos sends.
// Benches run it compiled (build-replica.ts), never type-stripped.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { collectDefaultMetrics } from 'prom-client';
import { suffixedMessages } from '../../src/adapters/engine/model-suffix.ts';
import { openGateway } from '../../src/main/gateway.ts';
import { createFarmServices } from '../../src/main/services.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createDatabasePool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { metrics } from '../../src/platform/metrics.ts';
import type { JobObserver } from '../../src/worker-runtime/execute-job.ts';
import { jobMetrics } from '../../src/worker-runtime/job-metrics.ts';
import { startFarm } from '../../src/worker-runtime/farm.ts';
import { workers } from '../../workers/index.ts';
import { startBareWorkers } from './bare-workers.ts';
import { JobProbe, outcomeKind } from './job-probe.ts';
import { countJob, FINAL_JOB_TYPE, type JobCounts, type ParentMessage, type ReplicaMessage } from './protocol.ts';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'farm' },
    suffix: { type: 'string' },
    concurrency: { type: 'string', default: '32' },
    'job-timeout-ms': { type: 'string', default: '60000' },
    observe: { type: 'boolean', default: false },
    events: { type: 'string', default: 'on' },
  },
});
const suffix = values.suffix;
if (!suffix || !process.send) {
  console.error('usage: a bench starts this with --suffix <model copy suffix> and an IPC channel');
  process.exit(2);
}
const send = (m: ReplicaMessage) => {
  if (process.connected) process.send?.(m);
};
const config = loadConfig();
const log = createLogger(`bench-${values.mode}`, config.LOG_LEVEL);
const concurrency = Number(values.concurrency);
const jobTimeoutMs = Number(values['job-timeout-ms']);

const jobs: JobCounts = {};
let finished = 0;
let lastFinishedAt = 0;
let reportSoon: NodeJS.Timeout | undefined;
const onDone = (type: string, outcome: string) => {
  countJob(jobs, type, outcome);
  if (type === FINAL_JOB_TYPE && outcome === 'complete') {
    finished++;
    lastFinishedAt = Date.now();
    // a bench keeping N orders open learns of a finished one within ~20 ms, at one message per 20 ms at most
    reportSoon ??= setTimeout(() => {
      reportSoon = undefined;
      report();
    }, 20);
  }
};
// sampled every 10 ms; what it records is the interval plus the lateness, so the interval is taken off
const LOOP_RESOLUTION_MS = 10;
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
loopDelay.enable();

let stop: () => Promise<void>;
let jobTypes: readonly string[];
let probe: JobProbe | undefined;
let relay: { isLeader(): boolean; published(): number } | undefined;

if (values.mode === 'bare') {
  const bare = startBareWorkers({ gatewayAddress: config.ZEEBE_GRPC_ADDRESS, suffix, maxConcurrentJobs: concurrency, jobTimeoutMs, log, onDone });
  jobTypes = bare.jobTypes;
  stop = async () => bare.close();
} else {
  if (values.observe) {
    probe = new JobProbe();
    probe.countQueries();
  }
  // composed as src/main/compose.ts composes a replica: one gateway channel for streams, polls and
  // commands; with --observe the commands go through the probe's timers
  const gateway = openGateway(config);
  const commands = probe ? probe.timedEngine(gateway) : gateway;
  const db = await createDatabasePool(config, `bench-${suffix}`);
  const base = createFarmServices(config, db, commands, log);
  const messages = suffixedMessages(base.messages, suffix);
  const timed = probe;
  const services = { ...base, portsFor: timed ? (tenantId: string) => timed.timedPorts(base.portsFor(tenantId)) : base.portsFor, messages };
  const farm = await startFarm({
    gateway,
    ...(probe ? { zeebe: commands } : {}),
    workers,
    services,
    log,
    maxConcurrentJobs: concurrency,
    jobTimeoutMs,
    jobTypeSuffix: suffix,
    observer: alongside(jobMetrics(), probe ? probe.observer(onDone) : { activated: () => undefined, decided: (type, outcome) => onDone(type, outcomeKind(outcome)) }),
  });
  // what a production replica also does (src/main/compose.ts); its ops endpoint is not served here
  collectDefaultMetrics({ register: metrics.registry });
  // the event side as every farm replica runs it, in a consumer group of this bench run's own
  const events = values.events !== 'off' ? (await import('../../src/main/event-side.ts')).startEventProcessing({ config, db, messages, log, consumerGroup: `bench-${suffix}` }) : undefined;
  relay = events?.relay;
  jobTypes = farm.jobTypes;
  stop = async () => {
    await farm.drain(5_000);
    await events?.stop();
    gateway.close();
    await db.end().catch(() => undefined);
  };
}

process.on('message', (m: ParentMessage) => {
  if (m.kind === 'samples') send({ kind: 'samples', ...(probe?.take() ?? { samples: [], statements: {}, queriesOutsideJobs: 0 }) });
  if (m.kind === 'window') {
    const cpu = process.cpuUsage();
    const beyond = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
    const eventLoop = { p50: beyond(loopDelay.percentile(50)), p99: beyond(loopDelay.percentile(99)), max: beyond(loopDelay.max), mean: beyond(loopDelay.mean), samples: loopDelay.count };
    loopDelay.reset();
    send({ kind: 'window', pid: process.pid, finished, jobs, cpuUserUs: cpu.user, cpuSystemUs: cpu.system, eventLoop, relay: relay ? { leader: relay.isLeader(), published: relay.published() } : null });
  }
});
function report() {
  const mem = process.memoryUsage();
  send({ kind: 'stats', pid: process.pid, jobs, finished, lastFinishedAt, rss: mem.rss, heapUsed: mem.heapUsed });
}
setInterval(report, 250).unref();
send({ kind: 'ready', pid: process.pid, jobTypes });
log.info({ mode: values.mode, suffix, concurrency, jobTypes: jobTypes.length }, 'bench replica ready');

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void stop()
    .catch(() => undefined)
    .finally(() => {
      report();
      process.exit(0);
    });
});
// the parent is gone (e.g. the bench was interrupted): do not linger
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

/** The production job series (metrics) and the bench's own counting, both told of every job. */
function alongside(production: JobObserver, bench: JobObserver): JobObserver {
  return {
    activated(type) {
      production.activated(type);
      bench.activated(type); // the probe enters the job's AsyncLocalStorage entry here, in the job's own context
    },
    decided(type, outcome, durationMs) {
      production.decided(type, outcome, durationMs);
      bench.decided(type, outcome, durationMs);
    },
  };
}

// One replica for the benchmarks, run as a child process of a bench: either a farm replica (the
// real runtime, workers, services and adapters) or the bare baseline, serving the job types of one
// isolated model copy (`--suffix`). It tells its parent over IPC when it is ready and, twice a
// second, what it has done and how much memory it holds; with --observe it also measures where
// each job's time goes (job-probe.ts). SIGTERM drains and exits; SIGKILL is what chaos sends.
import { parseArgs } from 'node:util';
import { createFarmServices } from '../../src/main/services.ts';
import { zeebeMessagePublisher } from '../../src/adapters/engine/message-publisher.ts';
import type { MessagePublisher } from '../../src/core/ports/message-publisher.ts';
import { createZeebeClient } from '../../src/platform/zeebe-client.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { gatewayHeaders } from '../../src/platform/gateway-auth.ts';
import { createDatabasePool } from '../../src/platform/db.ts';
import { createLogger } from '../../src/platform/logger.ts';
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
    events: { type: 'boolean', default: false },
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
const zeebe = createZeebeClient(config);

const jobs: JobCounts = {};
let finished = 0;
let lastFinishedAt = 0;
const onDone = (type: string, outcome: string) => {
  countJob(jobs, type, outcome);
  if (type === FINAL_JOB_TYPE && outcome === 'complete') {
    finished++;
    lastFinishedAt = Date.now();
  }
};

let stop: () => Promise<void>;
let jobTypes: readonly string[];
let probe: JobProbe | undefined;

if (values.mode === 'bare') {
  const bare = startBareWorkers({ zeebe, gatewayAddress: config.ZEEBE_GRPC_ADDRESS, suffix, maxConcurrentJobs: concurrency, jobTimeoutMs, log, onDone });
  jobTypes = bare.jobTypes;
  stop = async () => bare.close();
} else {
  if (values.observe) {
    probe = new JobProbe();
    probe.countQueries();
  }
  const engine = probe ? probe.timedEngine(zeebe) : zeebe;
  const db = await createDatabasePool(config, `bench-${suffix}`);
  const base = createFarmServices(config, db, engine, log);
  const messages: MessagePublisher = suffixed(zeebeMessagePublisher(engine), suffix);
  const timed = probe;
  const services = { ...base, portsFor: timed ? (tenantId: string) => timed.timedPorts(base.portsFor(tenantId)) : base.portsFor, messages };
  const farm = await startFarm({
    zeebe: engine,
    gatewayAddress: config.ZEEBE_GRPC_ADDRESS,
    gatewayMetadata: gatewayHeaders(config),
    pollIntervalMs: 2_000,
    workers,
    services,
    log,
    maxConcurrentJobs: concurrency,
    jobTimeoutMs,
    jobTypeSuffix: suffix,
    observer: probe ? probe.observer(onDone) : { activated: () => undefined, decided: (type, outcome) => onDone(type, outcomeKind(outcome)) },
  });
  // the event side as every farm replica runs it, in a consumer group of this bench run's own
  const events = values.events ? (await import('../../src/main/event-side.ts')).startEventProcessing({ config, db, messages, log, consumerGroup: `bench-${suffix}` }) : undefined;
  jobTypes = farm.jobTypes;
  stop = async () => {
    await farm.drain(5_000);
    await events?.stop();
    await db.end().catch(() => undefined);
  };
}

process.on('message', (m: ParentMessage) => {
  if (m.kind === 'samples') send({ kind: 'samples', ...(probe?.take() ?? { samples: [], statements: {}, queriesOutsideJobs: 0 }) });
});
const report = () => {
  const mem = process.memoryUsage();
  send({ kind: 'stats', pid: process.pid, jobs, finished, lastFinishedAt, rss: mem.rss, heapUsed: mem.heapUsed });
};
setInterval(report, 500).unref();
send({ kind: 'ready', pid: process.pid, jobTypes });
log.info({ mode: values.mode, suffix, concurrency, jobTypes: jobTypes.length }, 'bench replica ready');

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void stop()
    .then(() => zeebe.close())
    .catch(() => undefined)
    .finally(() => {
      report();
      process.exit(0);
    });
});
// the parent is gone (e.g. the bench was interrupted): do not linger
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

function suffixed(publisher: MessagePublisher, s: string): MessagePublisher {
  return { publish: (msg) => publisher.publish({ ...msg, name: `${msg.name}-${s}` }) };
}

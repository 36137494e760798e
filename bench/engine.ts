// `npm run bench:engine [-- --quick] [--only throughput,latency,fulfillment,recovery] [--profile] [--keep]`
// The project's engine (engine/src/cli.ts as a child process, file journal on) measured with bare
// @camunda8/sdk workers against the targets of issue 11: one-task throughput, the fulfillment model
// against Camunda 8.6's bare figure here, push latency, start / restart time and memory with
// 10,000 active instances. --quick is a smoke run (seconds, small counts), not a measurement.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { reportProfile } from './support/cpu-profile.ts';
import { say } from './support/progress.ts';
import { printTable, target, writeResult, type Target } from './support/report.ts';
import { fmt, round } from './support/stats.ts';
import { deployOneTask } from './engine/deploy.ts';
import { spawnEngine } from './engine/engine-process.ts';
import type { CpuUse } from './engine/cpu.ts';
import { measureFulfillment, type FulfillmentResult } from './engine/fulfillment-load.ts';
import { measureJobThroughput, type ThroughputResult } from './engine/job-throughput.ts';
import { engineMachine } from './engine/machine.ts';
import { oneTaskModel } from './engine/one-task-model.ts';
import { measurePushLatency, type PushLatencyResult } from './engine/push-latency.ts';
import { measureRecovery, type RecoveryResult } from './engine/recovery.ts';
import { showSpread, spread } from './engine/rounds.ts';
import { sdkClient } from './engine/sdk-client.ts';

const PARTS = ['latency', 'throughput', 'fulfillment', 'recovery'] as const;
type Part = (typeof PARTS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: PARTS.join(',') },
    keep: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'round-s': { type: 'string' },
    rounds: { type: 'string' },
    'in-flight': { type: 'string', default: '256' },
    lanes: { type: 'string', default: '32' },
    'latency-samples': { type: 'string' },
    instances: { type: 'string' },
  },
});
const quick = values.quick;
const only = new Set(values.only.split(',').map((s) => s.trim()).filter(Boolean));
const unknown = [...only].filter((p) => !(PARTS as readonly string[]).includes(p));
if (unknown.length) {
  console.error(`unknown part(s) ${unknown.join(', ')}; parts: ${PARTS.join(', ')}`);
  process.exit(2);
}
const wants = (part: Part) => only.has(part);
const rounds = Number(values.rounds ?? 3);
const roundS = Number(values['round-s'] ?? (quick ? 3 : 20));
const params = {
  quick,
  /** a profiled engine runs slower: its figures are for where the time goes, not for the targets */
  profile: values.profile,
  parts: [...only],
  throughput: { warmupS: quick ? 2 : 5, rounds, roundS, inFlight: Number(values['in-flight']), lanes: Number(values.lanes) },
  latency: { samples: Number(values['latency-samples'] ?? (quick ? 200 : 2_000)), warmup: quick ? 50 : 200, gapMs: 2 },
  fulfillment: { warmupOrders: quick ? 50 : 300, rounds, roundS, minOrders: quick ? 50 : 200, inFlight: 100, parallel: 16, concurrency: 32, itemsPerOrder: 1 },
  recovery: { coldStarts: quick ? 1 : 3, instances: Number(values.instances ?? (quick ? 1_000 : 10_000)), restarts: quick ? 1 : 3, lanes: 32 },
};

// the Camunda 8.6 figure the fulfillment part is compared with: bench:throughput's bare side here
const CAMUNDA_FILE = path.resolve(import.meta.dirname, 'results', 'throughput-2026-12-01T11-04-53Z.json');
const camundaBare = readCamundaBare();

const startedAt = new Date().toISOString();
const workDir = mkdtempSync(path.join(os.tmpdir(), 'bench-engine-'));
say(`bench:engine${quick ? ' (--quick: a smoke run, not a measurement)' : ''}: ${[...only].join(', ')}; engine data and logs in ${workDir}`);
// other work on the machine takes the same two cores: every figure below includes waiting for it
const loadAtStart = os.loadavg().map((l) => Number(l.toFixed(2)));
if ((loadAtStart[0] ?? 0) > os.availableParallelism()) say(`note: load average ${loadAtStart.join(' ')} on ${os.availableParallelism()} CPUs — other work is running; figures will be lower and spread`);

const errors: Partial<Record<Part, string>> = {};
let latency: PushLatencyResult | undefined;
let throughput: ThroughputResult | undefined;
let fulfillment: FulfillmentResult | undefined;
let recovery: RecoveryResult | undefined;
const mainRss: Record<string, number> = {};
let engineProfile: ReturnType<typeof reportProfile>;

const attempt = async <T>(part: Part, run: () => Promise<T>): Promise<T | undefined> => {
  say(`\n— ${part}`);
  try {
    return await run();
  } catch (err) {
    errors[part] = (err as Error).stack ?? String(err);
    say(`${part} failed: ${(err as Error).message}`);
    return undefined;
  }
};

const mainParts = (['latency', 'throughput', 'fulfillment'] as const).filter(wants);
if (mainParts.length) {
  await onMainEngine().catch((err: unknown) => {
    say(`the engine for ${mainParts.join(', ')} did not start: ${(err as Error).message}`);
    for (const part of mainParts) errors[part] ??= `the engine did not start: ${(err as Error).stack ?? String(err)}`;
  });
}
if (wants('recovery')) recovery = await attempt('recovery', () => measureRecovery({ workDir, ...params.recovery }));

/** Parts 1–3 on one engine (fresh data folder): latency first, on a quiet engine. */
async function onMainEngine(): Promise<void> {
  // --profile: a V8 CPU profile of the engine over parts 1–3, written when it exits
  const nodeArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${workDir}`, '--cpu-prof-name=engine.cpuprofile'] : [];
  const engine = await spawnEngine({ dataDir: mkdtempSync(path.join(workDir, 'main-')), logFile: path.join(workDir, 'main.log'), nodeArgs });
  say(`engine up in ${engine.startMs.toFixed(0)} ms (pid ${engine.pid}, ${engine.grpcAddress}, ${engine.restAddress}); RSS ${engine.rssMb().toFixed(0)} MB`);
  mainRss.started = round(engine.rssMb(), 1);
  const zeebe = sdkClient(engine.grpcAddress);
  const processes = { engine: engine.pid, bench: process.pid };
  try {
    if (wants('latency')) {
      latency = await attempt('latency', async () => {
        const model = oneTaskModel('bench-latency', 'bench.latency');
        await deployOneTask(zeebe, model);
        return measurePushLatency({ zeebe, model, ...params.latency });
      });
      mainRss.afterLatency = round(engine.rssMb(), 1);
    }
    if (wants('throughput')) {
      throughput = await attempt('throughput', async () => {
        const model = oneTaskModel('bench-throughput', 'bench.throughput');
        await deployOneTask(zeebe, model);
        return measureJobThroughput({ zeebe, model, processes, ...params.throughput });
      });
      mainRss.afterThroughput = round(engine.rssMb(), 1);
    }
    if (wants('fulfillment')) {
      fulfillment = await attempt('fulfillment', () =>
        measureFulfillment({ zeebe, grpcAddress: engine.grpcAddress, restAddress: engine.restAddress, logDir: workDir, processes, ...params.fulfillment }),
      );
      mainRss.afterFulfillment = round(engine.rssMb(), 1);
    }
  } finally {
    await zeebe.close().catch(() => undefined);
    await engine.stop();
  }
  if (values.profile) engineProfile = reportProfile(`engine CPU over ${mainParts.join(', ')} (start-up and warm-ups included)`, path.join(workDir, 'engine.cpuprofile'), 25);
}

// ---- figures
const tp = spread(throughput?.rounds.map((r) => r.jobsPerSecond) ?? []);
const ff = spread(fulfillment?.rounds.map((r) => r.ordersPerSecond) ?? []);
const ffJobs = spread(fulfillment?.rounds.map((r) => r.jobsPerSecond) ?? []);
const cold = spread(recovery?.coldStartMs ?? []);
const afterKill = spread(recovery?.restartAfterKillMs ?? []);
const afterStop = spread(recovery?.restartAfterStopMs ?? []);
const definedOnly = (values: readonly (number | undefined)[] | undefined): number[] => (values ?? []).filter((v): v is number => v !== undefined);
const coldReady = spread(definedOnly(recovery?.coldReadyMs));
const restartReady = spread(definedOnly(recovery?.restartReadyMs));
const nodeBoot = spread(recovery?.nodeBootMs ?? []);
const coldBeforeStart = spread(definedOnly(recovery?.coldBeforeStartMs));

if (throughput) {
  printTable('throughput: one service task, bare SDK stream worker', ['round', 'seconds', 'jobs', 'jobs/s', 'CPU (cores)', 'CPU ms per job'], throughput.rounds.map((r) => [String(r.round), r.seconds, String(r.jobs), r.jobsPerSecond, showCpu(r.cpu.cores), showCpu(cpuMsPer(r.cpu, r.jobs))]));
  say(`${throughput.started} instances started, ${throughput.completed} jobs completed, ${throughput.refused} refused${throughput.errors.length ? ` (${throughput.errors.join('; ')})` : ''}, ${throughput.undrained} not drained`);
}
if (fulfillment) {
  printTable(
    'fulfillment model, bare workers (one item per order)',
    ['round', 'orders finished', 'seconds', 'instances/s', 'jobs/s', 'CPU (cores)', 'CPU ms per instance'],
    [{ label: 'warm-up', r: fulfillment.warmup, cpu: '', perInstance: '' }, ...fulfillment.rounds.map((r) => ({ label: String(r.round), r, cpu: showCpu(r.cpu.cores), perInstance: showCpu(cpuMsPer(r.cpu, r.finished)) }))].map(({ label, r, cpu, perInstance }) => [
      label,
      `${r.finished}/${r.orders}${r.complete ? '' : ' (timeout)'}`,
      r.seconds,
      r.ordersPerSecond,
      r.jobsPerSecond,
      cpu,
      perInstance,
    ]),
  );
  say(`jobs by type: ${Object.entries(fulfillment.jobs).map(([type, outcomes]) => `${type} ${Object.entries(outcomes).map(([k, v]) => `${k} ${v}`).join('/')}`).join(', ')}`);
}
if (latency) {
  printTable('push latency (one instance at a time), ms', ['from', 'n', 'p50', 'p95', 'p99', 'max'], [
    ['createProcessInstance answer', String(latency.fromAnswerMs.n), latency.fromAnswerMs.p50, latency.fromAnswerMs.p95, latency.fromAnswerMs.p99, latency.fromAnswerMs.max],
    ['createProcessInstance sent', String(latency.fromRequestMs.n), latency.fromRequestMs.p50, latency.fromRequestMs.p95, latency.fromRequestMs.p99, latency.fromRequestMs.max],
  ]);
  say(`${latency.beforeAnswer} of ${latency.fromAnswerMs.n} jobs reached the worker before the create answer reached the client (counted as 0 ms); ${latency.lost} lost`);
}
if (recovery) {
  printTable('start, restart and memory', ['figure', 'median (min–max) or value'], [
    ['cold start, spawn → REST topology (ms)', showSpread(cold, 0)],
    ['  of which spawn → startEngine called: Node boot, loading modules (ms)', showSpread(coldBeforeStart, 0)],
    ['  of which startEngine, as the engine logs it (ms)', showSpread(coldReady, 0)],
    ['  an empty Node process, spawn → exit, for scale (ms)', showSpread(nodeBoot, 0)],
    [`restart with ${recovery.instances} active instances after SIGKILL (ms)`, showSpread(afterKill, 0)],
    [`restart with ${recovery.instances} active instances after SIGTERM (ms)`, showSpread(afterStop, 0)],
    ['  of which startEngine (recovery included), all restarts (ms)', showSpread(restartReady, 0)],
    ['RSS, empty engine (MB)', fmt(recovery.rssEmptyMb, 0)],
    [`RSS with ${recovery.instances} active instances (MB)`, fmt(recovery.rssWithInstancesMb, 0)],
    ['RSS after the restarts (MB)', fmt(recovery.rssAfterRestartMb, 0)],
    ['parked jobs activatable after the restarts', `${recovery.recoveredJobs}/${recovery.instances}`],
    [`creating the instances (s, ${recovery.createRefused} refused)`, fmt(recovery.createSeconds, 1)],
  ]);
}

// What the CPU cost per unit would allow if the processes had the machine's cores to themselves:
// an estimate from the measured CPU ms per job / instance (median of rounds), not a measurement.
const estimates = {
  throughputJobsPerSecond: throughput ? idleEstimate(throughput.rounds.map((r) => cpuMsPer(r.cpu, r.jobs))) : Number.NaN,
  fulfillmentInstancesPerSecond: fulfillment ? idleEstimate(fulfillment.rounds.map((r) => cpuMsPer(r.cpu, r.finished))) : Number.NaN,
};
if (throughput || fulfillment) {
  printTable(`estimate from CPU ms per unit, were the ${os.availableParallelism()} cores free of other work (not a measurement)`, ['part', 'estimate'], [
    ['one-task throughput (jobs/s)', estimates.throughputJobsPerSecond],
    ['fulfillment model (instances/s)', estimates.fulfillmentInstancesPerSecond],
  ]);
}

const fulfillmentTarget = 4 * camundaBare;
const targets: Target[] = [
  target('one-task throughput, median of rounds', tp.median, '>=', 1_000, 'jobs/s'),
  target(`fulfillment model, median of rounds (4 × Camunda 8.6's ${camundaBare.toFixed(1)})`, ff.median, '>=', Number(fulfillmentTarget.toFixed(1)), 'instances/s'),
  target('push latency p50', latency?.fromAnswerMs.p50 ?? Number.NaN, '<=', 2, 'ms'),
  target('push latency p99', latency?.fromAnswerMs.p99 ?? Number.NaN, '<=', 20, 'ms'),
  target('start, median of cold starts', cold.median, '<=', 1_000, 'ms'),
  target(`restart with ${recovery?.instances ?? params.recovery.instances} active instances (after SIGKILL, median)`, afterKill.median, '<=', 2_000, 'ms'),
  target(`RSS with ${recovery?.instances ?? params.recovery.instances} active instances, just created`, recovery?.rssWithInstancesMb ?? Number.NaN, '<=', 200, 'MB'),
  target(`RSS with ${recovery?.instances ?? params.recovery.instances} active instances, after the restarts`, recovery?.rssAfterRestartMb ?? Number.NaN, '<=', 200, 'MB'),
];
printTable(
  `targets (issue 11)${quick ? ' — quick smoke run, not a measurement' : ''}`,
  ['target', 'expected', 'measured', 'spread', 'result'],
  targets.map((t, i) => [
    t.name,
    t.expected,
    `${fmt(t.value)}${t.unit ? ` ${t.unit}` : ''}`,
    i === 0 ? showSpread(tp, 0) : i === 1 ? showSpread(ff, 1) : i === 4 ? showSpread(cold, 0) : i === 5 ? showSpread(afterKill, 0) : '',
    !Number.isFinite(t.value) ? 'not measured' : t.met ? 'met' : 'MISSED',
  ]),
);
for (const [part, err] of Object.entries(errors)) say(`\n${part} failed:\n${err}`);

const file = writeResult(quick ? 'engine-quick' : 'engine', {
  startedAt,
  finishedAt: new Date().toISOString(),
  parameters: params,
  machine: { ...engineMachine(), loadAverageAtStart: loadAtStart },
  camundaReference: { file: path.relative(path.resolve(import.meta.dirname, '..'), CAMUNDA_FILE), bareInstancesPerSecond: round(camundaBare, 2) },
  throughput: throughput && {
    ...throughput,
    rounds: throughput.rounds.map((r) => ({ ...r, cpuMsPerJob: cpuMsPer(r.cpu, r.jobs) })),
    jobsPerSecond: tp,
  },
  fulfillment: fulfillment && {
    ...fulfillment,
    rounds: fulfillment.rounds.map((r) => ({ ...r, cpuMsPerInstance: cpuMsPer(r.cpu, r.finished) })),
    instancesPerSecond: ff,
    jobsPerSecond: ffJobs,
    vsCamunda: round(ff.median / camundaBare, 2),
  },
  latency,
  recovery: recovery && { ...recovery, coldStart: cold, restartAfterKill: afterKill, restartAfterStop: afterStop },
  mainEngineRssMb: mainRss,
  idleEstimates: estimates,
  engineCpuProfile: engineProfile,
  errors,
  targets,
});
say(`\nresults: ${file}`);
if (!values.keep) rmSync(workDir, { recursive: true, force: true });
else say(`engine data and logs kept in ${workDir}`);
process.exit(Object.keys(errors).length ? 1 : 0);

function showCpu(cpu: Readonly<Record<string, number>>): string {
  return Object.entries(cpu).map(([name, value]) => `${name} ${value.toFixed(2)}`).join(', ');
}

/** CPU milliseconds each process spent per unit of work (a job, an instance): unlike a rate, it holds when other work shares the cores. */
function cpuMsPer(cpu: CpuUse, units: number): Record<string, number> {
  return Object.fromEntries(Object.entries(cpu.seconds).map(([name, seconds]) => [name, units > 0 ? round((seconds * 1000) / units, 3) : Number.NaN]));
}

/**
 * Units/s the processes could sustain on the machine's cores alone: each process is single-threaded
 * (at most one core) and together they share every core; from the median CPU ms per unit of each.
 */
function idleEstimate(perRound: readonly Record<string, number>[]): number {
  const names = Object.keys(perRound[0] ?? {});
  const msPerUnit = names.map((name) => spread(perRound.map((r) => r[name] ?? Number.NaN)).median);
  if (msPerUnit.length === 0 || msPerUnit.some((ms) => !Number.isFinite(ms) || ms <= 0)) return Number.NaN;
  const total = msPerUnit.reduce((a, b) => a + b, 0);
  return round(Math.min(...msPerUnit.map((ms) => 1000 / ms), (1000 * os.availableParallelism()) / total), 0);
}

function readCamundaBare(): number {
  try {
    const run = JSON.parse(readFileSync(CAMUNDA_FILE, 'utf8')) as { median?: { bare?: { ordersPerSecond?: number } } };
    return run.median?.bare?.ordersPerSecond ?? 25.3;
  } catch {
    return 25.3;
  }
}

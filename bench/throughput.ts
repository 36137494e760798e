// `npm run bench:throughput [-- --rounds N --round-s S --open N --concurrency N --allow-fsync-off --profile]`
// The fulfillment model run by bare SDK workers that complete each job at once, and by the farm
// (one replica with its event side, simulators at zero latency), in time-boxed rounds that
// alternate bare, farm, bare, farm... in one run on the same stack. Each round keeps `--open`
// orders in the system and counts the orders and jobs completed in its window. Figures: instances/s
// and jobs/s per side and farm/bare per pair of rounds (target ≥ 0.9), each the median of the
// rounds with min and max; CPU ms per job of the replicas, PostgreSQL, the engine, Kafka and the
// bench process; the replicas' event-loop delay.
import { parseArgs } from 'node:util';
import { startBenchSetup } from './support/bench-setup.ts';
import { requireFsync } from './support/fsync.ts';
import { outboxBacklogPublished } from './support/outbox.ts';
import { ordinaryOrder, startBareInstances } from './support/load.ts';
import { say } from './support/progress.ts';
import { Replica } from './support/replicas.ts';
import { reportProfile } from './support/cpu-profile.ts';
import { machineInfo, printTable, printTargets, target, writeResult } from './support/report.ts';
import { timeBoxedRound, type RoundResult } from './support/rounds.ts';
import { fmtSpread, spread } from './support/stats.ts';
import { idleCpuPerSecond, type Party } from './support/window.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    'round-s': { type: 'string', default: '20' },
    'fill-s': { type: 'string', default: '5' },
    'warmup-s': { type: 'string', default: '10' },
    open: { type: 'string', default: '64' },
    items: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '32' },
    parallel: { type: 'string', default: '16' },
    'drain-timeout-s': { type: 'string', default: '60' },
    'allow-fsync-off': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const roundS = Number(values['round-s']);
const fillS = Number(values['fill-s']);
const warmupS = Number(values['warmup-s']);
const open = Number(values.open);
const items = Number(values.items);
const concurrency = Number(values.concurrency);
const parallel = Number(values.parallel);
const startedAt = new Date().toISOString();
const PARTIES: readonly Party[] = ['replicas', 'postgres', 'engine', 'kafka', 'bench'];
type Side = 'bare' | 'farm';

say(`throughput: ${rounds} rounds of ${roundS} s per side (after ${fillS} s to fill), bare and farm alternating; ${open} orders open, ${concurrency} jobs at once per replica`);
const setup = await startBenchSetup('throughput', { completionDelayMs: 0 });
const durability = await requireFsync(values['allow-fsync-off']);
const h = setup.harness;
const bareSuffix = await setup.deployCopy(`${h.suffix}b`);
const replicas: Replica[] = [];
try {
  const farm = await Replica.start({ name: 'farm', mode: 'farm', suffix: h.suffix, concurrency, env: setup.replicaEnv, logDir: setup.logDir, profile: values.profile });
  replicas.push(farm);
  const bare = await Replica.start({ name: 'bare', mode: 'bare', suffix: bareSuffix, concurrency, env: setup.replicaEnv, logDir: setup.logDir });
  replicas.push(bare);
  say(`replicas up (farm pid ${farm.pid} with its event side, bare pid ${bare.pid}); logs in ${setup.logDir}`);

  const run = (side: Side, label: string, durationS: number) =>
    timeBoxedRound({
      label,
      replicas: [side === 'farm' ? farm : bare],
      open,
      parallel,
      warmupS: fillS,
      durationS,
      drainTimeoutS: Number(values['drain-timeout-s']),
      submit: () => (side === 'farm' ? h.submitOrder(ordinaryOrder(items)) : startBareInstances(h.pt.zeebe, h.config, bareSuffix, [ordinaryOrder(items)], 1)),
    });

  await outboxBacklogPublished(h.db);
  const idle = await idleCpuPerSecond([farm, bare], 5);
  say(`idle CPU ms per second (no orders): ${PARTIES.map((p) => `${p} ${idle[p]}`).join(', ')}`);
  if (warmupS > 0) {
    await run('bare', 'warm-up bare', warmupS);
    await run('farm', 'warm-up farm', warmupS);
  }
  const results: { round: number; side: Side; result: RoundResult<undefined> }[] = [];
  for (let r = 1; r <= rounds; r++) {
    for (const side of ['bare', 'farm'] as const) results.push({ round: r, side, result: await run(side, `round ${r}/${rounds} ${side}`, roundS) });
  }

  const of = (side: Side) => results.filter((x) => x.side === side).map((x) => x.result);
  const ratios = Array.from({ length: rounds }, (_, i) => (of('farm')[i]?.ordersPerSecond ?? Number.NaN) / (of('bare')[i]?.ordersPerSecond ?? Number.NaN));
  const jobRatios = Array.from({ length: rounds }, (_, i) => (of('farm')[i]?.jobsPerSecond ?? Number.NaN) / (of('bare')[i]?.jobsPerSecond ?? Number.NaN));
  const summary = (side: Side) => ({
    ordersPerSecond: spread(of(side).map((x) => x.ordersPerSecond)),
    jobsPerSecond: spread(of(side).map((x) => x.jobsPerSecond)),
    cpuMsPerJob: Object.fromEntries(PARTIES.map((p) => [p, spread(of(side).map((x) => x.cpuMsPerJob[p]))])) as Record<Party, ReturnType<typeof spread>>,
    eventLoopMs: {
      p50: spread(of(side).map((x) => x.eventLoop[0]?.p50 ?? Number.NaN)),
      p99: spread(of(side).map((x) => x.eventLoop[0]?.p99 ?? Number.NaN)),
      max: spread(of(side).map((x) => x.eventLoop[0]?.max ?? Number.NaN)),
    },
    // on a saturated box the sides' throughputs stand roughly in the inverse ratio of these totals
    cpuMsPerJobAll: spread(of(side).map((x) => PARTIES.reduce((n, p) => n + (Number.isFinite(x.cpuMsPerJob[p]) ? x.cpuMsPerJob[p] : 0), 0))),
    boxCpuBusy: spread(of(side).map((x) => x.boxCpuBusy)),
    allDrained: of(side).every((x) => x.drained),
  });
  const bareS = summary('bare');
  const farmS = summary('farm');
  const ratio = spread(ratios);
  const fsyncNote = durability.valid ? '' : ' — fsync OFF: trial only';

  printTable(
    `rounds${fsyncNote}`,
    ['round', 'side', 'orders', 'window s', 'instances/s', 'jobs/s', ...PARTIES.map((p) => `CPU ms/job ${p}`), 'box CPU busy', 'loop delay p50/p99/max ms', 'outbox events relayed'],
    results.map((x) => [String(x.round), x.side, `${x.result.orders}${x.result.drained ? '' : ' (drain timed out)'}`, x.result.seconds, x.result.ordersPerSecond, x.result.jobsPerSecond, ...PARTIES.map((p) => x.result.cpuMsPerJob[p]), `${(x.result.boxCpuBusy * 100).toFixed(0)} %`, loopText(x.result), relayText(x.result)]),
  );
  printTable(`median (min–max) of ${rounds} rounds per side${fsyncNote}`, ['', 'bare', 'farm', 'farm/bare (per pair of rounds)'], [
    ['instances/s', fmtSpread(bareS.ordersPerSecond), fmtSpread(farmS.ordersPerSecond), fmtSpread(ratio)],
    ['jobs/s', fmtSpread(bareS.jobsPerSecond), fmtSpread(farmS.jobsPerSecond), fmtSpread(spread(jobRatios))],
    ...PARTIES.map((p) => [`CPU ms per job: ${p}`, fmtSpread(bareS.cpuMsPerJob[p]), fmtSpread(farmS.cpuMsPerJob[p]), '']),
    ['CPU ms per job: all of them', fmtSpread(bareS.cpuMsPerJobAll), fmtSpread(farmS.cpuMsPerJobAll), fmtSpread(spread([bareS.cpuMsPerJobAll.median / farmS.cpuMsPerJobAll.median]))],
    ['box CPU busy (share of all cores)', fmtSpread(bareS.boxCpuBusy), fmtSpread(farmS.boxCpuBusy), ''],
    ['replica event-loop delay p50 ms', fmtSpread(bareS.eventLoopMs.p50), fmtSpread(farmS.eventLoopMs.p50), ''],
    ['replica event-loop delay p99 ms', fmtSpread(bareS.eventLoopMs.p99), fmtSpread(farmS.eventLoopMs.p99), ''],
    ['replica event-loop delay max ms', fmtSpread(bareS.eventLoopMs.max), fmtSpread(farmS.eventLoopMs.max), ''],
  ]);
  await farm.stop();
  const profile = farm.profileFile ? reportProfile('farm replica CPU (whole run, start-up and warm-up included)', farm.profileFile) : undefined;
  const targets = [target(`farm/bare throughput (instances/s), median of ${rounds} pairs (min ${ratio.min}, max ${ratio.max})`, ratio.median, '>=', 0.9)];
  printTargets(targets, fsyncNote);
  const file = writeResult('throughput', {
    startedAt,
    finishedAt: new Date().toISOString(),
    valid: durability.valid,
    postgres: durability,
    parameters: { rounds, roundSeconds: roundS, fillSeconds: fillS, warmupSeconds: warmupS, ordersOpen: open, itemsPerOrder: items, concurrencyPerReplica: concurrency, submitParallel: parallel, simulatorLatencyMs: 0, replicaRuns: 'compiled JavaScript (bench/.build, tsc)', farmEventSide: 'on' },
    sides: {
      bare: 'bare SDK workers (job streams of src/worker-runtime/job-stream.ts, completeJob at once; the provisioning result message published by the worker); instances started with the intake start message published directly',
      farm: 'one farm replica (child process, compiled: worker runtime, ledger, adapters, event side — outbox relay and provisioning results consumer); simulators at zero latency, intake and provisioning callback in the bench process',
    },
    method:
      'time-boxed rounds: the bench keeps `ordersOpen` orders submitted and not finished, fills the pipeline for fillSeconds, then counts the orders and jobs the replica completed in a window of roundSeconds; it then stops submitting and waits for the open orders before the next round. CPU per job: the replica process.cpuUsage() delta, PostgreSQL / engine / Kafka from /proc (utime+stime of the server process tree), the bench process (intake, callback, simulators, load) by process.cpuUsage(), each ÷ jobs completed in the window. Event-loop delay: monitorEventLoopDelay (10 ms sampling, the lateness beyond it) of the replica over the window.',
    idleCpuMsPerSecond: idle,
    machine: await machineInfo(),
    rounds: results.map((x) => ({ round: x.round, side: x.side, ...x.result })),
    median: { bare: bareS, farm: farmS, ratio, jobsRatio: spread(jobRatios) },
    farmCpuProfile: profile,
    targets,
  });
  say(`\nresults: ${file}`);
} finally {
  for (const r of replicas) await r.stop();
  await setup.close();
}
process.exit(0);

/** The farm's event side at work: events its relay published in the window (or why none). */
function relayText(r: RoundResult<undefined>): string {
  return r.relay.leaders.length ? String(r.relay.published) : `${r.relay.published} (no relay publishing)`;
}

function loopText(r: RoundResult<undefined>): string {
  const l = r.eventLoop[0];
  return l ? `${l.p50.toFixed(2)} / ${l.p99.toFixed(2)} / ${l.max.toFixed(1)}` : '–';
}

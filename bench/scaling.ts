// `npm run bench:scaling [-- --replicas 1,2,4 --rounds N --round-s S --latency-ms N --concurrency N --allow-fsync-off]`
// (also `npm run bench:memory`). Scaling below the box's ceiling: every simulated external system
// answers after 300 ms (provisioning completes after 300 ms too) and each replica takes 4 jobs at
// once, so a replica is bound by its own concurrency and the external latency, not by the two CPUs.
// Steps of 1, 2 and 4 replicas (fresh processes, each with its event side) alternate round by
// round; each round keeps enough orders open to keep every replica busy and counts what completed
// in its window. Figures: instances/s per step and speed-up over one replica (targets: 2 ≥ 1.7×,
// 4 ≥ 3×), each the median of the rounds with min and max; CPU ms per job; event-loop delay; peak
// RSS per replica (VmHWM, target ≤ 150 MB).
import { parseArgs } from 'node:util';
import { startBenchSetup } from './support/bench-setup.ts';
import { requireFsync } from './support/fsync.ts';
import { outboxBacklogPublished } from './support/outbox.ts';
import { ordinaryOrder } from './support/load.ts';
import { say } from './support/progress.ts';
import { Replica } from './support/replicas.ts';
import { machineInfo, printTable, printTargets, target, writeResult } from './support/report.ts';
import { timeBoxedRound, type RoundResult } from './support/rounds.ts';
import { fmtSpread, mb, round, spread } from './support/stats.ts';
import { idleCpuPerSecond, type Party } from './support/window.ts';

const { values } = parseArgs({
  options: {
    replicas: { type: 'string', default: '1,2,4' },
    rounds: { type: 'string', default: '3' },
    'round-s': { type: 'string', default: '20' },
    'fill-s': { type: 'string', default: '5' },
    'latency-ms': { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '4' },
    'open-per-slot': { type: 'string', default: '2' },
    items: { type: 'string', default: '1' },
    parallel: { type: 'string', default: '16' },
    'drain-timeout-s': { type: 'string', default: '60' },
    'allow-fsync-off': { type: 'boolean', default: false },
  },
});
const steps = values.replicas.split(',').map(Number);
const rounds = Number(values.rounds);
const roundS = Number(values['round-s']);
const latencyMs = Number(values['latency-ms']);
const concurrency = Number(values.concurrency);
const openPerSlot = Number(values['open-per-slot']);
const items = Number(values.items);
const startedAt = new Date().toISOString();
const SYSTEMS = ['crm', 'inventory', 'provisioning', 'billing', 'notification'] as const;
const PARTIES: readonly Party[] = ['replicas', 'postgres', 'engine', 'kafka', 'bench'];
const SPEED_UP_TARGETS: Readonly<Record<number, number>> = { 2: 1.7, 4: 3 };

say(`scaling: ${steps.join(', ')} replica(s) alternating, ${rounds} rounds of ${roundS} s each; ${concurrency} jobs at once per replica, every external system answering after ${latencyMs} ms`);
const setup = await startBenchSetup('scaling', { completionDelayMs: latencyMs });
const durability = await requireFsync(values['allow-fsync-off']);
const fsyncNote = durability.valid ? '' : ' — fsync OFF: trial only';
const h = setup.harness;
for (const system of SYSTEMS) await h.fault({ system, fault: { type: 'latency', ms: latencyMs }, times: -1 });

interface StepRound {
  readonly round: number;
  readonly replicas: number;
  readonly result: RoundResult<undefined>;
  /** VmHWM of each replica at the end of the round, MB */
  readonly peakRssMb: readonly { readonly replica: string; readonly mb: number }[];
}
const results: StepRound[] = [];
const idle = await idleCpuPerSecond([], 5);
say(`idle CPU ms per second (no replicas, no orders): ${PARTIES.filter((p) => p !== 'replicas').map((p) => `${p} ${idle[p]}`).join(', ')}`);
let running: Replica[] = [];
try {
  for (let r = 1; r <= rounds; r++) {
    for (const count of steps) {
      running = await Promise.all(
        Array.from({ length: count }, (_, i) => Replica.start({ name: `farm-${count}x-${i + 1}-r${r}`, mode: 'farm', suffix: h.suffix, concurrency, env: setup.replicaEnv, logDir: setup.logDir })),
      );
      await outboxBacklogPublished(h.db);
      const result = await timeBoxedRound({
        label: `round ${r}/${rounds}, ${count} replica(s)`,
        replicas: running,
        open: openPerSlot * count * concurrency,
        parallel: Number(values.parallel),
        warmupS: Number(values['fill-s']),
        durationS: roundS,
        drainTimeoutS: Number(values['drain-timeout-s']),
        submit: () => h.submitOrder(ordinaryOrder(items)),
      });
      results.push({ round: r, replicas: count, result, peakRssMb: running.map((x) => ({ replica: x.spec.name, mb: round(mb(x.peakRss()), 1) })) });
      await Promise.all(running.map((x) => x.stop()));
      running = [];
    }
  }

  const rate = (count: number) => results.filter((x) => x.replicas === count).map((x) => x.result.ordersPerSecond);
  // speed-up per round: the step's rate over the one-replica rate of the same round
  const speedUp = (count: number) => Array.from({ length: rounds }, (_, i) => (rate(count)[i] ?? Number.NaN) / (rate(1)[i] ?? Number.NaN));
  const jobRate = (count: number) => results.filter((x) => x.replicas === count).map((x) => x.result.jobsPerSecond);
  const jobsSpeedUp = (count: number) => Array.from({ length: rounds }, (_, i) => (jobRate(count)[i] ?? Number.NaN) / (jobRate(1)[i] ?? Number.NaN));
  const bySteps = steps.map((count) => {
    const rs = results.filter((x) => x.replicas === count);
    return {
      replicas: count,
      ordersPerSecond: spread(rs.map((x) => x.result.ordersPerSecond)),
      jobsPerSecond: spread(rs.map((x) => x.result.jobsPerSecond)),
      speedUp: spread(speedUp(count)),
      jobsSpeedUp: spread(jobsSpeedUp(count)),
      boxCpuBusy: spread(rs.map((x) => x.result.boxCpuBusy)),
      cpuMsPerJob: Object.fromEntries(PARTIES.map((p) => [p, spread(rs.map((x) => x.result.cpuMsPerJob[p]))])) as Record<Party, ReturnType<typeof spread>>,
      eventLoopMs: {
        p50: spread(rs.map((x) => Math.max(...x.result.eventLoop.map((l) => l.p50)))),
        p99: spread(rs.map((x) => Math.max(...x.result.eventLoop.map((l) => l.p99)))),
        max: spread(rs.map((x) => Math.max(...x.result.eventLoop.map((l) => l.max)))),
      },
      peakRssMb: spread(rs.flatMap((x) => x.peakRssMb.map((m) => m.mb)), 1),
    };
  });

  printTable(
    `rounds${fsyncNote}`,
    ['round', 'replicas', 'orders', 'window s', 'instances/s', 'jobs/s', ...PARTIES.map((p) => `CPU ms/job ${p}`), 'box CPU busy', 'outbox events relayed', 'loop delay p99 ms (worst replica)', 'peak RSS MB (VmHWM, each)'],
    results.map((x) => [String(x.round), String(x.replicas), `${x.result.orders}${x.result.drained ? '' : ' (drain timed out)'}`, x.result.seconds, x.result.ordersPerSecond, x.result.jobsPerSecond, ...PARTIES.map((p) => x.result.cpuMsPerJob[p]), `${(x.result.boxCpuBusy * 100).toFixed(0)} %`, `${x.result.relay.published} (${x.result.relay.leaders.join(' ') || 'no relay publishing'})`, Math.max(...x.result.eventLoop.map((l) => l.p99)), x.peakRssMb.map((m) => m.mb.toFixed(0)).join(' ')]),
  );
  printTable(
    `median (min–max) of ${rounds} rounds per step${fsyncNote}`,
    ['replicas', 'instances/s', 'jobs/s', 'speed-up over one (same round)', 'speed-up in jobs/s', ...PARTIES.map((p) => `CPU ms/job ${p}`), 'box CPU busy', 'loop delay p50 ms', 'p99 ms', 'max ms', 'peak RSS MB per replica'],
    bySteps.map((s) => [String(s.replicas), fmtSpread(s.ordersPerSecond), fmtSpread(s.jobsPerSecond), fmtSpread(s.speedUp), fmtSpread(s.jobsSpeedUp), ...PARTIES.map((p) => fmtSpread(s.cpuMsPerJob[p])), fmtSpread(s.boxCpuBusy), fmtSpread(s.eventLoopMs.p50), fmtSpread(s.eventLoopMs.p99), fmtSpread(s.eventLoopMs.max), fmtSpread(s.peakRssMb, 1)]),
  );
  const peak = Math.max(...results.flatMap((x) => x.peakRssMb.map((m) => m.mb)));
  const targets = [
    ...bySteps
      .filter((s) => SPEED_UP_TARGETS[s.replicas] !== undefined)
      .map((s) => target(`${s.replicas} replicas vs one at ${latencyMs} ms latency (median of ${rounds} rounds; min ${s.speedUp.min}, max ${s.speedUp.max})`, s.speedUp.median, '>=', SPEED_UP_TARGETS[s.replicas] as number, '×')),
    target('peak RSS per replica, event side on (VmHWM, the highest of every replica)', peak, '<=', 150, 'MB'),
  ];
  printTargets(targets, fsyncNote);
  const file = writeResult('scaling', {
    startedAt,
    finishedAt: new Date().toISOString(),
    valid: durability.valid,
    postgres: durability,
    parameters: { replicaSteps: steps, rounds, roundSeconds: roundS, fillSeconds: Number(values['fill-s']), latencyMs, concurrencyPerReplica: concurrency, ordersOpenPerJobSlot: openPerSlot, itemsPerOrder: items, replicaRuns: 'compiled JavaScript (bench/.build, tsc)', farmEventSide: 'on' },
    method:
      'rounds alternate the steps (1, 2, 4 replicas, ...); each step starts fresh replica processes (each with its event side: one relay publishes, all consume in one group), keeps open·replicas·concurrency orders submitted and not finished, fills the pipeline, counts what completed in a window of roundSeconds, drains, reads each replica\'s VmHWM from /proc/<pid>/status, and stops them. Speed-up: a step\'s instances/s over the one-replica instances/s of the same round.',
    idleCpuMsPerSecond: idle,
    machine: await machineInfo(),
    rounds: results.map((x) => ({ round: x.round, replicas: x.replicas, ...x.result, peakRssMb: x.peakRssMb })),
    steps: bySteps,
    targets,
  });
  say(`\nresults: ${file}`);
} finally {
  for (const r of running) await r.stop();
  await setup.close();
}
process.exit(0);

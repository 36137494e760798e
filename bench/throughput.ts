// `npm run bench:throughput [-- --orders N --rounds N --items N --concurrency N --parallel N --profile]`
// The fulfillment model run by bare SDK workers that complete each job at once, and by the farm
// with the simulators at zero latency, in alternating rounds on the same stack in one run:
// completed instances/s and jobs/s of each, and the ratio farm/bare (target ≥ 0.9).
import { parseArgs } from 'node:util';
import { startBenchSetup } from './support/bench-setup.ts';
import { ordinaryOrders, startBareInstances, submitToIntake } from './support/load.ts';
import { measureLoad, type LoadResult } from './support/measure.ts';
import { say } from './support/progress.ts';
import { Replica } from './support/replicas.ts';
import { reportProfile } from './support/cpu-profile.ts';
import { machineInfo, printTable, printTargets, target, writeResult } from './support/report.ts';
import { median, round } from './support/stats.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '20' },
    items: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '32' },
    parallel: { type: 'string', default: '16' },
    'round-timeout-s': { type: 'string', default: '300' },
    profile: { type: 'boolean', default: false },
  },
});
const n = Number(values.orders);
const rounds = Number(values.rounds);
const items = Number(values.items);
const concurrency = Number(values.concurrency);
const parallel = Number(values.parallel);
const timeoutMs = Number(values['round-timeout-s']) * 1000;
const startedAt = new Date().toISOString();

say(`throughput: ${rounds} rounds × ${n} orders (${items} item(s) each) per side, bare and farm alternating; ${concurrency} jobs at once per replica`);
const setup = await startBenchSetup('throughput', { completionDelayMs: 0 });
const h = setup.harness;
const bareSuffix = await setup.deployCopy(`${h.suffix}b`);
const replicas: Replica[] = [];
try {
  const farm = await Replica.start({ name: 'farm', mode: 'farm', suffix: h.suffix, concurrency, env: setup.replicaEnv, logDir: setup.logDir, profile: values.profile });
  replicas.push(farm);
  const bare = await Replica.start({ name: 'bare', mode: 'bare', suffix: bareSuffix, concurrency, env: setup.replicaEnv, logDir: setup.logDir });
  replicas.push(bare);
  say(`replicas up (farm pid ${farm.pid}, bare pid ${bare.pid}); logs in ${setup.logDir}`);

  const run = (side: 'bare' | 'farm', count: number, label: string): Promise<LoadResult> => {
    const orders = ordinaryOrders(count, items);
    return measureLoad({
      label,
      replicas: [side === 'farm' ? farm : bare],
      orders: count,
      timeoutMs,
      submit: () => (side === 'farm' ? submitToIntake(h, orders, parallel) : startBareInstances(h.pt.zeebe, h.config, bareSuffix, orders, parallel)),
    });
  };

  if (Number(values.warmup) > 0) {
    await run('bare', Number(values.warmup), 'warm-up bare');
    await run('farm', Number(values.warmup), 'warm-up farm');
  }
  const results: { round: number; side: 'bare' | 'farm'; result: LoadResult }[] = [];
  for (let r = 1; r <= rounds; r++) {
    for (const side of ['bare', 'farm'] as const) results.push({ round: r, side, result: await run(side, n, `round ${r}/${rounds} ${side}`) });
  }

  const of = (side: 'bare' | 'farm') => results.filter((x) => x.side === side).map((x) => x.result);
  const summary = (side: 'bare' | 'farm') => ({
    ordersPerSecond: median(of(side).map((x) => x.ordersPerSecond)),
    jobsPerSecond: median(of(side).map((x) => x.jobsPerSecond)),
    complete: of(side).every((x) => x.complete),
  });
  const bareS = summary('bare');
  const farmS = summary('farm');
  const ratio = farmS.ordersPerSecond / bareS.ordersPerSecond;
  const jobsRatio = farmS.jobsPerSecond / bareS.jobsPerSecond;

  printTable(
    'rounds',
    ['round', 'side', 'orders finished', 'seconds', 'instances/s', 'jobs/s'],
    results.map((x) => [String(x.round), x.side, `${x.result.finished}/${x.result.orders}${x.result.complete ? '' : ' (timeout)'}`, x.result.seconds, x.result.ordersPerSecond, x.result.jobsPerSecond]),
  );
  printTable('median of the rounds', ['side', 'instances/s', 'jobs/s'], [
    ['bare', bareS.ordersPerSecond, bareS.jobsPerSecond],
    ['farm', farmS.ordersPerSecond, farmS.jobsPerSecond],
    ['farm/bare', ratio, jobsRatio],
  ]);
  await farm.stop();
  const profile = farm.profileFile ? reportProfile('farm replica CPU (whole run, start-up and warm-up included)', farm.profileFile) : undefined;
  const targets = [target('farm/bare throughput (instances/s)', ratio, '>=', 0.9)];
  printTargets(targets);
  const file = writeResult('throughput', {
    startedAt,
    finishedAt: new Date().toISOString(),
    parameters: { ordersPerRound: n, rounds, warmup: Number(values.warmup), itemsPerOrder: items, concurrencyPerReplica: concurrency, submitParallel: parallel, simulatorLatencyMs: 0 },
    sides: {
      bare: 'bare SDK workers (job streams of src/worker-runtime/job-stream.ts, completeJob at once; the provisioning result message published by the worker); instances started with the intake start message published directly',
      farm: 'one farm replica (child process: worker runtime, ledger, adapters, simulators at zero latency in the bench process); orders through the intake (stored, then the start message); provisioning result by HTTP callback to the intake',
    },
    machine: await machineInfo(),
    rounds: results.map((x) => ({ round: x.round, side: x.side, ...x.result })),
    median: { bare: bareS, farm: farmS, ratio: round(ratio, 3), jobsRatio: round(jobsRatio, 3) },
    farmCpuProfile: profile,
    targets,
  });
  say(`\nresults: ${file}`);
} finally {
  for (const r of replicas) await r.stop();
  await setup.close();
}
process.exit(0);
